import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';

/**
 * Finds who is calling. Resolve to the caller's identity (any object, e.g. the user), to
 * `undefined`/`null` when the request carries no credentials (→ 401 "Authentication required"),
 * and throw `InvalidTokenError` (or `InvalidTokenError.expired()`) when it carries credentials
 * that do not hold (→ 401 with `error="invalid_token"`).
 *
 * @example
 * const verifyJwt: AuthenticateFunction = (request) => {
 *   const token = bearerToken(request);
 *   if (token === undefined) return undefined;
 *   try {
 *     return jwt.verify(token, secret);
 *   } catch (error) {
 *     throw error instanceof jwt.TokenExpiredError ? InvalidTokenError.expired() : new InvalidTokenError();
 *   }
 * };
 */
export type AuthenticateFunction = (request: any, context: ExecutionContext) => unknown;

/** The provider form of `AuthenticateFunction`, for an authenticator that injects services. */
export interface Authenticator {
  authenticate(request: any, context: ExecutionContext): unknown;
}

/**
 * What `auth.authenticator` takes: a function, an `Authenticator` provider class (taken from the
 * app when it is registered there, else built by Nest), or a guard class that sets `request.user`
 * (Passport's `AuthGuard('jwt')`), which the auth guard then runs in its own fixed order.
 */
export type AuthenticatorOption = AuthenticateFunction | Type<Authenticator> | Type<CanActivate>;

/** Options of the auth guard (`StatusModule.forRoot({ auth })`). See the README, "Authentication and authorization". */
export interface AuthOptions {
  /** Finds the caller. Without one, the identity is whatever an earlier guard put in `request.user`. */
  authenticator?: AuthenticatorOption;
  /**
   * Access of a route that declares none (`@Public()`, `@Authenticated()`, `@Roles()`,
   * `@Authorize()`). Default `'authenticated'` when an `authenticator` is set (secure by default);
   * without one, such routes are left alone.
   */
  defaultAccess?: 'authenticated' | 'public';
  /**
   * When a public route looks its caller up (a valid token then sets `request.user`; a bad one is
   * ignored). `'when-used'` (default): only when the route can use the identity: its handler takes
   * `@CurrentUser()`, or it has guards of its own (`@UseGuards`) or `@HideForbidden()`; other public
   * routes skip the authenticator (no token verified, no user loaded). `'always'`: every public
   * request that carries credentials, for an app whose global guards or interceptors, or handlers
   * reading `request.user` themselves, need it.
   */
  publicIdentity?: 'when-used' | 'always';
  /** The roles of an identity, for `@Roles()`. Default: `identity.roles` (array) or `identity.role`. */
  rolesOf?: (identity: any) => readonly string[] | string | undefined;
}
