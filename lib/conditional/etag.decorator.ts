import { applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
// A cycle (the interceptor reads this file's metadata), resolved by the time a decorator runs.
import { UseConditional } from './use-conditional';

/** Reads the version of what a handler returned (or a `@CurrentVersion()` resolver found). */
export type VersionOf<T = any> = (entity: T) => unknown;

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

/** Metadata of `@ETag()`. */
export const ETagMetadata = Reflector.createDecorator<VersionOf | false>();
