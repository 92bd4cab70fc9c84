import { Inject, Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '../errors/domain-errors';
import type { ForbiddenPolicy } from '../errors/forbidden-policy';
import { STATUS_OPTIONS } from '../options/options.token';
import type { ResolvedStatusOptions } from '../options/status-options';
import { ResourceHiddenError } from './auth.errors';
import { authStateOf } from './auth-state';
import { hasCredentials } from './bearer-token';

/**
 * What the exception filter answers instead of a 403, whoever threw it (our guard, a later guard,
 * a handler): the route's not-found error when the route or the error hides the resource; a 401
 * when the caller is anonymous (the guide: never 403 without authentication). `undefined` keeps
 * the 403.
 */
export function replaceForbidden(
  exception: unknown,
  status: number,
  request: any,
  options: Pick<ResolvedStatusOptions, 'auth'>,
): unknown {
  if (exception instanceof ResourceHiddenError) return exception.notFound;
  if (status !== 403 || !options.auth) return undefined;
  const state = authStateOf(request);
  // Hiding comes first: a 401 for an existing private resource and a 404 for a missing one
  // would tell an anonymous caller which ids exist.
  if (state?.hide) return state.hide(request);
  const anonymous = state
    ? state.identity === null && request.user == null
    : // The guard did not run (an earlier guard threw): with no user and no credentials sent,
      // the caller is anonymous for sure.
      options.auth.authenticator !== undefined && request.user == null && !hasCredentials(request);
  return anonymous ? new UnauthenticatedError() : undefined;
}

/** `replaceForbidden` as the exception filter's `ForbiddenPolicy` (provided by `StatusModule`). */
@Injectable()
export class AuthForbiddenPolicy implements ForbiddenPolicy {
  constructor(
    @Inject(STATUS_OPTIONS) private readonly options: Pick<ResolvedStatusOptions, 'auth'>,
  ) {}

  replace(exception: unknown, status: number, request: any): unknown {
    return replaceForbidden(exception, status, request, this.options);
  }
}
