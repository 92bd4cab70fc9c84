import { UseGuards } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { StatusAuthGuard } from './status-auth.guard';

/**
 * Adds the auth guard to a route or controller once, however many auth decorators it carries.
 * The guard is app-wide only when an authenticator is configured (every route then needs a
 * decision); otherwise only the routes that declare access pay for a guard.
 */
export function UseAuthGuard(): MethodDecorator & ClassDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? descriptor.value : target;
    const present: unknown[] = Reflect.getMetadata(GUARDS_METADATA, holder) ?? [];
    if (present.includes(StatusAuthGuard)) return descriptor;
    return (UseGuards(StatusAuthGuard) as any)(target, key, descriptor);
  };
}
