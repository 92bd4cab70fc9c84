import { IncomingMessage } from 'node:http';
import { Req } from '@nestjs/common';
import { isObservable, tap } from 'rxjs';
import { handlerArity } from '../platform/framework-internals';
import { RequestSlot } from '../platform/request-state';
import type { SuccessRule } from './success-rules';

/** What a `@Created` route's handler produced, kept on the request for the reply shaper. */
export interface Creation {
  rule: NonNullable<SuccessRule['created']>;
  /** The handler's own result, before any interceptor transformed it. */
  entity: unknown;
}

/** Written when a `@Created` handler returns; read by the success step of the reply. */
export const CREATION = new RequestSlot<Creation>('creation');

/**
 * Makes a method a `@Created` route without an interceptor (Nest's interceptor pipeline costs more
 * per request than building the `Location`): the method is wrapped, and the wrapper is given the
 * request through one more parameter (Nest's own `@Req()`, at an index after the method's own).
 * When the handler returns, its raw result is kept on the request with the route's rule; the reply
 * shaper builds the `Location` from it once the answer is a success. User interceptors still see
 * and may transform the result: the `Location` is the entity's, whatever the body becomes.
 */
export function recordCreation(
  target: object,
  key: string | symbol,
  descriptor: PropertyDescriptor,
  rule: Creation['rule'],
): void {
  const original = descriptor.value as (...args: unknown[]) => unknown;
  // What Nest passes without us, and ours after every declared parameter.
  const { passed, declared } = handlerArity(target, key);
  const index = Math.max(passed, original.length, declared);
  Req()(target, key, index);

  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const request = args[index];
    // Called by other code than Nest's router (another method of the class): nothing to keep,
    // and the caller's arguments go through as they are.
    if (!isRequest(request)) return original.apply(this, args);
    args.length = passed;
    const result = original.apply(this, args);
    const keep = (entity: unknown) => {
      CREATION.set(request, { rule, entity });
    };
    if (isObservable(result)) return result.pipe(tap(keep));
    if (isThenable(result)) {
      return result.then((entity) => {
        // Nest also reads an Observable a promise resolves to (a microservice client's answer).
        if (isObservable(entity)) return entity.pipe(tap(keep));
        keep(entity);
        return entity;
      });
    }
    keep(result);
    return result;
  };
  // Decorators applied before this one left their metadata on the original function.
  for (const metadataKey of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, original), wrapper);
  }
  Object.defineProperty(wrapper, 'name', { value: original.name });
  Object.defineProperty(wrapper, 'length', { value: original.length });
  descriptor.value = wrapper;
}

/** Express's `req` (a Node `IncomingMessage`) or Fastify's `request` (which holds one as `raw`). */
function isRequest(value: unknown): value is object {
  return (
    value instanceof IncomingMessage ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { raw?: unknown }).raw instanceof IncomingMessage)
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
