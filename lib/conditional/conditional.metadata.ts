import type { ExecutionContext, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/**
 * The metadata `@ETag`, `@LastModified` and `@CurrentVersion` write and the ETag interceptor reads
 * (apart from both, so neither imports the other's file).
 */

/** Reads the version of what a handler returned (or a `@CurrentVersion()` resolver found). */
export type VersionOf<T = any> = (entity: T) => unknown;

/** Metadata of `@ETag()`. */
export const ETagMetadata = Reflector.createDecorator<VersionOf | false>();

/** Metadata of `@LastModified()`. */
export const LastModifiedMetadata = Reflector.createDecorator<(entity: any) => unknown>();

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
