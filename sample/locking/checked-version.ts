import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * The version a write's precondition (`If-Match`, `If-Unmodified-Since`, `If-None-Match`) was
 * checked against: a number when the resource existed, `null` when it did not (a create), and
 * `undefined` when the write was unconditional and nothing was checked.
 */
export type CheckedVersion = number | null | undefined;

const CHECKED_VERSION = Symbol('sample.checkedVersion');

/**
 * Called by a `@CurrentVersion()` resolver with what it found, so the handler can write only if
 * that is still current. (The library checks the precondition before the handler runs; another
 * writer can get in between, so the write itself must compare and set.)
 */
export function recordCheckedVersion(request: object, version: number | null): void {
  (request as Record<symbol, CheckedVersion>)[CHECKED_VERSION] = version;
}

/**
 * Handler parameter: the `CheckedVersion` of this request, to pass to the service's
 * compare-and-set (`UPDATE ... WHERE id = ? AND version = ?`).
 *
 * @example
 * @Put(':id') replace(@Param('id') id: string, @Body() dto: UserDto, @Checked() expected: CheckedVersion)
 */
export const Checked = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CheckedVersion =>
    (context.switchToHttp().getRequest() as Record<symbol, CheckedVersion>)[CHECKED_VERSION],
);
