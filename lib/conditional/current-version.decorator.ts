import { applyDecorators } from '@nestjs/common';
import {
  CurrentVersionMeta,
  type CurrentVersionMetadata,
  type CurrentVersionOptions,
  type CurrentVersionResolver,
  type CurrentVersionSource,
} from './conditional.metadata';
import { UseConditional } from './use-conditional';

export { CurrentVersionMeta };
export type {
  CurrentVersionMetadata,
  CurrentVersionOptions,
  CurrentVersionResolver,
  CurrentVersionSource,
};

/**
 * Guards PUT/PATCH/DELETE with `If-Match` / `If-Unmodified-Since` / `If-None-Match: *`
 * (optimistic locking). The resolver runs before the handler; a failed condition answers 409
 * `{ currentVersion }` (or 412) and the handler never runs. A missing resource is a 404 for
 * PATCH and DELETE; for PUT it is a resource to create (`If-Match` fails, `If-None-Match: *` holds).
 * On a class, it applies to every write route of the controller.
 *
 * @example
 * @Controller('documents')
 * @ETag((doc: Document) => doc.version)
 * @CurrentVersion((req) => documents.find(Number(req.params.id)))
 * export class DocumentsController { ... }
 */
export function CurrentVersion(
  source: CurrentVersionSource,
  options: CurrentVersionOptions = {},
): MethodDecorator & ClassDecorator {
  return applyDecorators(CurrentVersionMeta({ ...options, source }), UseConditional());
}
