import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Internal: set on a handler that takes `@CurrentUser()`, so a public route looks its caller up. */
export const ReadsIdentity = Reflector.createDecorator<true>();

/**
 * The caller's identity (`request.user`, set by the auth guard or by Passport), or `undefined`
 * on a public route called anonymously. On a public route, taking it is what makes the guard look
 * the caller up at all (see `auth.publicIdentity`).
 *
 * @example
 * @Get('profile') profile(@CurrentUser() user: User) { return user; }
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest().user ?? undefined,
  [
    (target, key) => {
      const descriptor =
        key === undefined ? undefined : Object.getOwnPropertyDescriptor(target, key);
      // A method's parameter (not a constructor's): mark the method.
      if (descriptor && typeof descriptor.value === 'function') {
        ReadsIdentity(true)(target, key as string | symbol, descriptor);
      }
    },
  ],
);
