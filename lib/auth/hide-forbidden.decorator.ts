import { NotFoundError } from '../errors/domain-errors';
import type { NotFoundFactory } from './auth-state';
import { applyDecorators } from '@nestjs/common';
import { HideForbiddenMetadata } from './access.metadata';
import { UseAuthGuard } from './use-auth-guard';

export { HideForbiddenMetadata };

/**
 * On this route (class or handler), a 403 — from `@Roles()`/`@Authorize()`, from a thrown
 * `ForbiddenError`/`ForbiddenException`, or from a later guard — is answered as the route's 404,
 * so a caller cannot learn that a resource exists (RFC 9110 15.5.4). `notFound` builds the error the
 * route throws for a resource that is really missing; by default a plain `NotFoundError`.
 * Anonymous callers of an authenticated route still get 401 first.
 *
 * @example
 * @HideForbidden((req) => new RepoNotFound(req.params.id))
 * @Get('repos/:id') findOne(@Param('id') id: string, @CurrentUser() user: User) { ... }
 */
export function HideForbidden(
  notFound: NotFoundFactory = () => new NotFoundError(),
): ClassDecorator & MethodDecorator {
  return applyDecorators(HideForbiddenMetadata(notFound), UseAuthGuard());
}
