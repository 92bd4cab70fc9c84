import { VersionMismatchError } from '../../lib';
import type { CheckedVersion } from './checked-version';

/**
 * The 409 of a write that lost the race: its precondition held when it was checked (against
 * `checked`), but another writer changed the resource before the write. It is the answer the
 * library gives a precondition that fails up front: `{ currentVersion: "v6" }`, or `null` when
 * the resource is gone.
 */
export function versionConflict(
  checked: CheckedVersion,
  current: number | undefined,
): VersionMismatchError {
  if (current === undefined) {
    return new VersionMismatchError(
      null,
      'Resource does not exist, so it cannot match If-Match. Send If-None-Match: * to create it.',
    );
  }
  return checked === null
    ? new VersionMismatchError(
        `v${current}`,
        `Resource already exists. Current version is v${current}.`,
      )
    : new VersionMismatchError(`v${current}`);
}
