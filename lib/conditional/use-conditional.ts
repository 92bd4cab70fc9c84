import { UseInterceptors } from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { ConditionalInterceptor } from './conditional.interceptor';

/**
 * Adds the `ConditionalInterceptor` to a route or controller once, however many of `@ETag`,
 * `@LastModified` and `@CurrentVersion` it carries. Routes without them pay for no interceptor:
 * their ETag and 304 come from the reply shaper.
 */
export function UseConditional(): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? descriptor.value : target;
    const present: unknown[] = Reflect.getMetadata(INTERCEPTORS_METADATA, holder) ?? [];
    if (present.includes(ConditionalInterceptor)) return descriptor;
    return (UseInterceptors(ConditionalInterceptor) as any)(target, key, descriptor);
  };
}
