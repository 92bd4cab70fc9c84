import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NotFoundFactory } from './auth-state';

/**
 * The metadata the auth decorators write and the auth guard reads (apart from both, so neither
 * imports the other's file).
 */

/** Metadata of `@Public()` and `@Authenticated()`. */
export const AccessMetadata = Reflector.createDecorator<'public' | 'authenticated'>();

/** Metadata of `@Roles()`. */
export interface RolesRule {
  roles: readonly string[];
  message: string;
}
export const RolesMetadata = Reflector.createDecorator<RolesRule>();

/** Metadata of `@Authorize()`. */
export interface AuthorizeRule {
  predicate: PermissionPredicate;
  message: string;
}
export const AuthorizeMetadata = Reflector.createDecorator<AuthorizeRule>();

/** Decides whether a known caller may use a route. */
export type PermissionPredicate = (
  identity: any,
  request: any,
  context: ExecutionContext,
) => boolean | Promise<boolean>;

/** Metadata of `@HideForbidden()`. */
export const HideForbiddenMetadata = Reflector.createDecorator<NotFoundFactory>();
