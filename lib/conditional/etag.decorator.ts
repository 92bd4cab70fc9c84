import { applyDecorators } from '@nestjs/common';
import { ETagMetadata, type VersionOf } from './conditional.metadata';
import { UseConditional } from './use-conditional';

export { ETagMetadata };
export type { VersionOf };

/**
 * How a route's `ETag` is made. By default (no decorator) a GET/HEAD response gets a strong tag
 * hashed from its serialized body. With a function, the tag comes from the resource's own
 * version instead, with no hashing: a number `5` gives `"v5"`, a string `abc` gives `"abc"`.
 * `false` switches ETags (and `If-None-Match`) off for the route. On a class, it applies to every
 * route of the controller; a handler's own decorator wins. The same function gives the current
 * tag of a write guarded by `@CurrentVersion()`, and the new tag of its response.
 *
 * @example
 * @Get(':id')
 * @ETag((doc: Document) => doc.version) // ETag: "v5"
 * find(@Param('id') id: string) { ... }
 */
export function ETag(version: VersionOf | false): MethodDecorator & ClassDecorator {
  return applyDecorators(ETagMetadata(version), UseConditional());
}
