import { CanActivate, ExecutionContext, HttpException } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { isObservable, lastValueFrom } from 'rxjs';
import { DomainError } from '../errors/domain-errors';
import { InvalidTokenError } from './auth.errors';
import type {
  AuthenticateFunction,
  Authenticator,
  AuthenticatorOption,
} from '../options/auth.options';
import { hasBearerToken } from './bearer-token';

/**
 * Turns `auth.authenticator` (a function, an `Authenticator` class or a guard class) into one
 * function, resolving classes once, on first use, when every provider of the app exists.
 */
export class AuthenticatorRunner {
  private resolved?: Promise<AuthenticateFunction>;

  constructor(
    private readonly option: AuthenticatorOption,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The identity, `undefined` for no credentials; throws for credentials that do not hold. */
  async authenticate(request: any, context: ExecutionContext): Promise<unknown> {
    this.resolved ??= this.resolve();
    return (await this.resolved)(request, context);
  }

  private async resolve(): Promise<AuthenticateFunction> {
    const option = this.option as any;
    const prototype = typeof option === 'function' ? option.prototype : undefined;
    if (typeof prototype?.canActivate === 'function') {
      // A guard of our own making: Passport guards are cheap, and ours must not be shared state.
      return fromGuard(await this.moduleRef.create(option as new () => CanActivate));
    }
    if (typeof prototype?.authenticate === 'function') {
      const instance = await this.instanceOf(option as new () => Authenticator);
      return (request, context) => instance.authenticate(request, context);
    }
    if (typeof option === 'function') return option as AuthenticateFunction;
    throw new Error(
      'StatusModule: auth.authenticator must be a function, an Authenticator class (with authenticate()) ' +
        'or a guard class (with canActivate(), e.g. AuthGuard("jwt")).',
    );
  }

  private async instanceOf<T>(type: new (...args: any[]) => T): Promise<T> {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      // Not registered in the app: Nest builds one with the providers it can see.
      return this.moduleRef.create(type);
    }
  }
}

/**
 * A guard that authenticates (Passport's `AuthGuard`), seen as an authenticator: passing means
 * `request.user` is the identity; refusing means no credentials when no Bearer token was sent
 * (none at all, or another scheme: RFC 6750 3.1's bare challenge), and `InvalidTokenError`
 * (expired when Passport's `info` says so) when one was.
 */
function fromGuard(guard: CanActivate): AuthenticateFunction {
  return async (request, context) => {
    let allowed: boolean;
    try {
      const result = guard.canActivate(context);
      allowed = Boolean(isObservable(result) ? await lastValueFrom(result) : await result);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (error instanceof HttpException && error.getStatus() === 401) return refused(request);
      throw error;
    }
    return allowed ? request.user : refused(request);
  };
}

function refused(request: any): undefined {
  if (!hasBearerToken(request)) return undefined;
  // @nestjs/passport keeps the strategy's `info` there: passport-jwt passes jsonwebtoken's error.
  const info = request.authInfo;
  if (info instanceof Error && info.name === 'TokenExpiredError') throw InvalidTokenError.expired();
  throw new InvalidTokenError();
}
