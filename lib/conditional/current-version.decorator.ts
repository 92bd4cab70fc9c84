import { applyDecorators } from '@nestjs/common';
import type { ExecutionContext, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
// A cycle (the interceptor reads this file's metadata), resolved by the time a decorator runs.
import { UseConditional } from './use-conditional';

/**
 * Finds the current state of the resource a write targets, BEFORE the handler runs, so that a
 * stale write is refused without being performed. Return the entity (its tag and date then come
 * from the route's `@ETag()` / `@LastModified()`, or a hash of it), or `null`/`undefined` when it
 * does not exist. Throw `NotFoundError` when the route answers 404 for a missing resource.
 */
export interface CurrentVersionResolver<T = unknown> {
  resolve(
    request: any,
    context: ExecutionContext,
  ): T | null | undefined | Promise<T | null | undefined>;
}

/** A resolver function, or an injectable class (a provider of your module) implementing one. */
export type CurrentVersionSource<T = unknown> =
  | ((
      request: any,
      context: ExecutionContext,
    ) => T | null | undefined | Promise<T | null | undefined>)
  | Type<CurrentVersionResolver<T>>;

/** Per-route choices of `@CurrentVersion()`, overriding the module's options. */
export interface CurrentVersionOptions {
  /** Status of a failed precondition: the guide's 409 `{ currentVersion }` or RFC 9110's 412. */
  preconditionFailedStatus?: 409 | 412;
  /** Answer 428 to a write without `If-Match` (or `If-Unmodified-Since` / `If-None-Match`). */
  requirePreconditions?: boolean;
}

/** What `@CurrentVersion()` stores. */
export interface CurrentVersionMetadata extends CurrentVersionOptions {
  source: CurrentVersionSource;
}

/** Internal: the metadata behind `@CurrentVersion()`. */
export const CurrentVersionMeta = Reflector.createDecorator<CurrentVersionMetadata>();

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
