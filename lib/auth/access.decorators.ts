import { Reflector } from '@nestjs/core';
import type { ExecutionContext } from '@nestjs/common';

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

/**
 * Anyone may call this route (class or handler): the guard asks for no credentials. A handler's
 * `@Roles()`/`@Authorize()`/`@Authenticated()` beats a class's `@Public()`, and the reverse.
 *
 * @example
 * @Public() @Post('auth/token') issueToken(@Body() body: LoginDto) { ... }
 */
export function Public(): ClassDecorator & MethodDecorator {
  return AccessMetadata('public');
}

/**
 * Only a known caller may call this route: without credentials it answers 401. Needed only when
 * routes are public by default (`auth.defaultAccess: 'public'`); `@Roles()` implies it.
 *
 * @example
 * @Authenticated() @Get('profile') profile(@CurrentUser() user: User) { return user; }
 */
export function Authenticated(): ClassDecorator & MethodDecorator {
  return AccessMetadata('authenticated');
}

/**
 * The caller must hold one of `roles` (read by `auth.rolesOf`): anonymous → 401, known without
 * the role → 403 with `message` (or 404 under `@HideForbidden()`).
 *
 * @example
 * @Roles('admin', { message: 'Admin role required to delete users.' })
 * @Delete('admin/users/:id') remove(@Param('id') id: string) { ... }
 */
export function Roles(
  roles: string | readonly string[],
  options: { message?: string } = {},
): ClassDecorator & MethodDecorator {
  const list = typeof roles === 'string' ? [roles] : [...roles];
  return RolesMetadata({ roles: list, message: options.message ?? rolesMessage(list) });
}

/**
 * The caller must pass `predicate` (a permission check): anonymous → 401, known but refused →
 * 403 with `message` (or 404 under `@HideForbidden()`). Runs after `@Roles()`.
 *
 * @example
 * @Authorize((user, req) => user.id === Number(req.params.id), { message: 'You may only edit yourself.' })
 */
export function Authorize(
  predicate: PermissionPredicate,
  options: { message?: string } = {},
): ClassDecorator & MethodDecorator {
  return AuthorizeMetadata({
    predicate,
    message: options.message ?? 'You do not have permission to do this.',
  });
}

/** `Admin role required.`, `Admin or Editor role required.` */
function rolesMessage(roles: readonly string[]): string {
  const names = roles.map((role) => role.charAt(0).toUpperCase() + role.slice(1));
  return `${names.join(' or ')} role required.`;
}
