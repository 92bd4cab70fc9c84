import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/**
 * The caller's identity (`request.user`, set by the auth guard or by Passport), or `undefined`
 * on a public route called anonymously.
 *
 * @example
 * @Get('profile') profile(@CurrentUser() user: User) { return user; }
 */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown =>
    context.switchToHttp().getRequest().user ?? undefined,
);
