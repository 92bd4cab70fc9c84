import { applyDecorators } from '@nestjs/common';
import {
  AccessMetadata,
  AuthorizeMetadata,
  type AuthorizeRule,
  type PermissionPredicate,
  RolesMetadata,
  type RolesRule,
} from './access.metadata';
import { UseAuthGuard } from './use-auth-guard';

export { AccessMetadata, AuthorizeMetadata, RolesMetadata };
export type { AuthorizeRule, PermissionPredicate, RolesRule };

/**
 * Anyone may call this route (class or handler): the guard asks for no credentials. A handler's
 * `@Roles()`/`@Authorize()`/`@Authenticated()` beats a class's `@Public()`, and the reverse.
 *
 * @example
 * @Public() @Post('auth/token') issueToken(@Body() body: LoginDto) { ... }
 */
export function Public(): ClassDecorator & MethodDecorator {
  return applyDecorators(AccessMetadata('public'), UseAuthGuard());
}

/**
 * Only a known caller may call this route: without credentials it answers 401. Needed only when
 * routes are public by default (`auth.defaultAccess: 'public'`); `@Roles()` implies it.
 *
 * @example
 * @Authenticated() @Get('profile') profile(@CurrentUser() user: User) { return user; }
 */
export function Authenticated(): ClassDecorator & MethodDecorator {
  return applyDecorators(AccessMetadata('authenticated'), UseAuthGuard());
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
  return applyDecorators(
    RolesMetadata({ roles: list, message: options.message ?? rolesMessage(list) }),
    UseAuthGuard(),
  );
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
  return applyDecorators(
    AuthorizeMetadata({
      predicate,
      message: options.message ?? 'You do not have permission to do this.',
    }),
    UseAuthGuard(),
  );
}

/** `Admin role required.`, `Admin or Editor role required.` */
function rolesMessage(roles: readonly string[]): string {
  const names = roles.map((role) => role.charAt(0).toUpperCase() + role.slice(1));
  return `${names.join(' or ')} role required.`;
}
