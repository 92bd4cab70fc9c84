import { applyDecorators } from '@nestjs/common';
import { LastModifiedMetadata } from './conditional.metadata';
import { UseConditional } from './use-conditional';

export { LastModifiedMetadata };

/**
 * Sets `Last-Modified` from what the handler returned (a `Date`, epoch milliseconds or an ISO
 * string), so `If-Modified-Since` can answer 304 and `If-Unmodified-Since` can guard writes.
 * On a class, it applies to every route of the controller.
 *
 * @example
 * @Get(':id')
 * @LastModified((doc: Document) => doc.updatedAt)
 * find(@Param('id') id: string) { ... }
 */
export function LastModified(of: (entity: any) => unknown): MethodDecorator & ClassDecorator {
  return applyDecorators(LastModifiedMetadata(of), UseConditional());
}
