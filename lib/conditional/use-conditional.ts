import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { bindOnce } from '../platform/framework-internals';
import { ETagInterceptor } from './etag.interceptor';

/**
 * Binds the `ETagInterceptor` once to each route that carries any of `@ETag`, `@LastModified` and
 * `@CurrentVersion` (on the route or its controller). Routes without them pay for no
 * interceptor: their ETag and 304 come from the conditional engine at the reply.
 */
export function UseConditional(): MethodDecorator & ClassDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    bindOnce(INTERCEPTORS_METADATA, ETagInterceptor, target, descriptor);
  };
}
