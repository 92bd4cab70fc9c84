import { applyDecorators, HttpCode } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { bindOnce } from '../platform/framework-internals';
import { markCreatedResults } from './created-route';
import { StatusInterceptor } from './status.interceptor';
import { LocationBuilder, SuccessRuleMetadata } from './success-rules';

/**
 * 201 Created with a `Location` naming the new resource. `location` is a template filled from
 * the handler's result (`'/api/users/:id'`), a function of the result and the request, or
 * (by default) the request path followed by the result's `id`. Relative unless `absolute`.
 * The `Location` is the handler's own result's, whatever an interceptor makes of the body; a
 * returned helper (`noContent()`, `created(entity, location)`) overrides it for that request.
 *
 * @example
 * @Post()
 * @Created()                       // Location: /api/users/42
 * create(@Body() dto: CreateUserDto) { return this.users.create(dto); }
 *
 * @Post(':id/copies')
 * @Created('/api/documents/:id')   // filled from the result
 * copy(@Param('id') id: string) { return this.documents.copy(id); }
 */
export function Created(
  location?: string | LocationBuilder,
  options: { absolute?: boolean } = {},
): MethodDecorator {
  const rule = { location, absolute: options.absolute };
  return (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    // First, so the metadata below lands on the wrapper the route will call.
    markCreatedResults(target, key, descriptor, rule);
    HttpCode(201)(target, key, descriptor);
    SuccessRuleMetadata({ created: rule })(target, key, descriptor);
    return descriptor;
  };
}

/**
 * 204 No Content: the body is dropped whatever the handler returns, and no `Content-Type` or
 * `Content-Length` claims one. A returned helper (`created(entity)`) overrides it for that request.
 *
 * @example
 * @Patch(':id')
 * @NoContent()
 * update(@Param('id') id: string, @Body() dto: PatchDto) { return this.documents.patch(id, dto); }
 */
export function NoContent(): MethodDecorator {
  return applyDecorators(HttpCode(204), SuccessRuleMetadata({ noContent: true }));
}

/**
 * What a DELETE of a resource that does not exist answers, for one route or controller:
 * `404` (the default, set app-wide with `success.deleteMissing`) or `204` (idempotent style).
 * "Does not exist" is the handler throwing a `NotFoundError` (or Nest's `NotFoundException`).
 *
 * @example
 * @Delete(':id')
 * @DeleteMissing(204)
 * remove(@Param('id') id: string) { return this.sessions.remove(id); }
 */
export function DeleteMissing(status: 404 | 204): MethodDecorator & ClassDecorator {
  const rule = SuccessRuleMetadata({ deleteMissing: status });
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor) rule(target, key!, descriptor);
    else (rule as ClassDecorator)(target as new () => unknown);
    // Once per route, also beside a method's `@Created`: twice, the outer one would keep the
    // result after the method's other interceptors reshaped it.
    bindOnce(INTERCEPTORS_METADATA, StatusInterceptor, target, descriptor);
  };
}
