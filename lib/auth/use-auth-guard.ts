import { GUARDS_METADATA } from '@nestjs/common/constants';
import { bindOnce } from '../platform/framework-internals';
import { StatusAuthGuard } from './status-auth.guard';

/**
 * Binds the auth guard once to each route that carries an auth decorator (on the route or its
 * controller). Without an authenticator, only those routes pay for a guard; with one, the guard
 * is also app-wide, and this route binding stands aside (decided when the guard is made).
 */
export function UseAuthGuard(): MethodDecorator & ClassDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    bindOnce(GUARDS_METADATA, StatusAuthGuard, target, descriptor);
  };
}
