import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { guardsOf } from '../platform/framework-internals';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-errors';
import { STATUS_OPTIONS } from '../options/options.token';
import type { ResolvedStatusOptions } from '../options/status-options';
import {
  AccessMetadata,
  AuthorizeMetadata,
  AuthorizeRule,
  RolesMetadata,
  RolesRule,
} from './access.metadata';
import type { AuthOptions } from '../options/auth.options';
import { NotFoundFactory, recordAuthState } from './auth-state';
import { AuthenticatorRunner } from './authenticator-runner';
import { hasCredentials } from './bearer-token';
import { ReadsIdentity } from './current-user.decorator';
import { HideForbiddenMetadata } from './access.metadata';

/**
 * Provided as `true` when the guard is app-wide (`APP_GUARD`): the route bindings of the auth
 * decorators then stand aside, so the guard decides once per request without asking anything.
 */
export const AUTH_GUARD_APP_WIDE = Symbol('nestjs-status.authGuardAppWide');

/**
 * What the guard decided once for a handler. `none`: the route knows nothing of auth;
 * `public-anonymous`: a public route that cannot use the identity, so its caller is not looked up.
 */
interface RoutePlan {
  access: 'none' | 'public' | 'public-anonymous' | 'authenticated';
  roles?: RolesRule;
  authorize?: AuthorizeRule;
  hide?: NotFoundFactory;
}

/**
 * The one auth guard (`APP_GUARD`), deciding in a fixed order: no or unusable credentials → 401;
 * a known caller without the role or permission → 403; on a `@HideForbidden()` route, that 403 is
 * the route's 404. It never answers 403 to an anonymous caller, and it does nothing on an app that
 * configures no authenticator and uses no auth decorator.
 */
@Injectable()
export class StatusAuthGuard implements CanActivate {
  private readonly plans = new WeakMap<object, RoutePlan>();
  private readonly auth: AuthOptions | false;
  private readonly runner?: AuthenticatorRunner;
  private readonly defaultAccess: RoutePlan['access'];

  constructor(
    @Inject(STATUS_OPTIONS) options: ResolvedStatusOptions,
    private readonly reflector: Reflector,
    moduleRef: ModuleRef,
    @Optional() @Inject(AUTH_GUARD_APP_WIDE) standAside = false,
  ) {
    // A route binding while the app-wide guard decides: nothing to do, decided here once.
    this.auth = standAside ? false : options.auth;
    const authenticator = this.auth ? this.auth.authenticator : undefined;
    if (authenticator) this.runner = new AuthenticatorRunner(authenticator, moduleRef);
    this.defaultAccess = !this.auth
      ? 'none'
      : (this.auth.defaultAccess ?? (authenticator ? 'authenticated' : 'none'));
    // Standing aside (or `auth: false`) is decided here, once: no request checks it.
    if (!this.auth) this.canActivate = async () => true;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const plan = this.planFor(context);
    // Nothing is recorded: a 403 someone else throws here then stays a 403 when credentials came
    // along, as on a route the guard never saw (the caller is unknown, not known to be anonymous).
    if (plan.access === 'public-anonymous') return true;
    if (plan.access === 'none' && !plan.hide) return true;
    const request = context.switchToHttp().getRequest();
    const identity =
      request.user ??
      (plan.access === 'authenticated'
        ? await this.runner?.authenticate(request, context)
        : await this.optionalIdentity(request, context)) ??
      undefined;
    recordAuthState(request, { identity: identity ?? null, hide: plan.hide });
    if (identity !== undefined) request.user = identity;
    if (plan.access !== 'authenticated') return true;
    if (identity === undefined) throw new UnauthenticatedError();
    if (plan.roles && !this.hasRole(identity, plan.roles.roles)) {
      this.forbid(plan, plan.roles.message, request);
    }
    if (plan.authorize && !(await plan.authorize.predicate(identity, request, context))) {
      this.forbid(plan, plan.authorize.message, request);
    }
    return true;
  }

  /**
   * A public route still learns who calls when credentials come along, but asks for none: bad
   * credentials leave the caller anonymous. (Refusing them would lock out a client that sends its
   * expired token everywhere, even to the route that gives it a new one.)
   */
  private async optionalIdentity(request: any, context: ExecutionContext): Promise<unknown> {
    if (!this.runner || !hasCredentials(request)) return undefined;
    try {
      return await this.runner.authenticate(request, context);
    } catch (error) {
      if (error instanceof UnauthenticatedError) return undefined;
      throw error;
    }
  }

  private forbid(plan: RoutePlan, message: string, request: unknown): never {
    // Thrown as is: the filter's own 403 → 404 path would do the same, this is only shorter.
    if (plan.hide) throw plan.hide(request);
    throw new ForbiddenError(message);
  }

  private hasRole(identity: any, required: readonly string[]): boolean {
    const found = this.auth ? this.auth.rolesOf?.(identity) : undefined;
    const raw = found ?? identity?.roles ?? identity?.role;
    const held = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
    return required.some((role) => held.includes(role));
  }

  private planFor(context: ExecutionContext): RoutePlan {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (!plan) {
      const targets = [handler, context.getClass()];
      // The most specific declaration wins: a handler's own, else its class's, else the default.
      const declared = targets.map((target) => this.accessDeclaredOn(target)).find(Boolean);
      plan = {
        access: declared ?? this.defaultAccess,
        roles: this.reflector.getAllAndOverride(RolesMetadata, targets),
        authorize: this.reflector.getAllAndOverride(AuthorizeMetadata, targets),
        hide: this.reflector.getAllAndOverride(HideForbiddenMetadata, targets),
      };
      if (plan.access === 'public') {
        plan = this.usesIdentity(plan, context)
          ? { access: 'public', hide: plan.hide }
          : { access: 'public-anonymous' };
      }
      this.plans.set(handler, plan);
    }
    return plan;
  }

  /**
   * Whether a public route can use its caller's identity, so that looking it up is worth a token
   * verification: its handler takes `@CurrentUser()`, it hides what the caller may not see, or it
   * has guards of its own (they may read `request.user`). `publicIdentity: 'always'` says yes.
   */
  private usesIdentity(plan: RoutePlan, context: ExecutionContext): boolean {
    if (this.auth && this.auth.publicIdentity === 'always') return true;
    const handler = context.getHandler();
    if (plan.hide || this.reflector.get(ReadsIdentity, handler) !== undefined) return true;
    // Guards of the route's own, not this one (which the auth decorators add).
    return [handler, context.getClass()].some((target) =>
      guardsOf(target).some((guard) => guard !== StatusAuthGuard),
    );
  }

  private accessDeclaredOn(target: object): RoutePlan['access'] | undefined {
    const access = this.reflector.get(AccessMetadata, target as never);
    if (access === 'public') return 'public';
    const demands =
      access === 'authenticated' ||
      this.reflector.get(RolesMetadata, target as never) !== undefined ||
      this.reflector.get(AuthorizeMetadata, target as never) !== undefined;
    return demands ? 'authenticated' : undefined;
  }
}
