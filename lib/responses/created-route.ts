import { isObservable, tap } from 'rxjs';
import { bindInnermostNow, interceptorsOf } from '../platform/framework-internals';
import { RequestSlot } from '../platform/request-state';
import type { SuccessRule } from './success-rules';

/** What a `@Created` route's handler produced, kept on the request for the reply's success step. */
export interface Creation {
  rule: NonNullable<SuccessRule['created']>;
  /** The handler's own result, before any interceptor transformed it. */
  entity: unknown;
}

/**
 * Written by the route's `StatusInterceptor` (its innermost interceptor, bound where another
 * interceptor may reshape the body: `captureWhereReshaped`) when a `@Created` handler returns;
 * read by the success step, which builds the `Location` from the entity once the answer is a
 * success: the `Location` is the entity's, whatever the body becomes.
 */
export const CREATION = new RequestSlot<Creation>('creation');

/**
 * The rule of a `@Created` handler's result, by the result itself: on a route no interceptor
 * reshapes, the body the reply gets is that very object, and the rule is all the reply needs.
 * Taken (and forgotten) by the reply's success step.
 */
const CREATED_RESULTS = new WeakMap<object, Creation['rule']>();

/** The `@Created` methods, for the one start-up decision of `captureWhereReshaped`. */
const CREATED_METHODS = new Map<object, object>();

/**
 * Makes a method a `@Created` route at no interceptor's cost: the method is wrapped (its
 * parameters untouched: Nest passes what the method declares, nothing more), and the object it
 * returns (or resolves to) is marked with the route's rule. Where an interceptor may reshape the
 * body, the route's own interceptor keeps the result instead (`captureWhereReshaped`).
 */
export function markCreatedResults(
  target: object,
  key: string | symbol,
  descriptor: PropertyDescriptor,
  rule: Creation['rule'],
): void {
  const original = descriptor.value as (...args: unknown[]) => unknown;
  const mark = (result: unknown) => {
    if (typeof result === 'object' && result !== null) CREATED_RESULTS.set(result, rule);
  };
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const result = original.apply(this, args);
    if (isObservable(result)) return result.pipe(tap(mark));
    if (isThenable(result)) {
      return result.then((value) => {
        // Nest also reads an Observable a promise resolves to (a microservice client's answer).
        if (isObservable(value)) return value.pipe(tap(mark));
        mark(value);
        return value;
      });
    }
    mark(result);
    return result;
  };
  // Decorators applied before this one left their metadata on the original function.
  for (const metadataKey of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, original), wrapper);
  }
  Object.defineProperty(wrapper, 'name', { value: original.name });
  Object.defineProperty(wrapper, 'length', { value: original.length });
  descriptor.value = wrapper;
  CREATED_METHODS.set(wrapper, target.constructor);
}

/**
 * What a `@Created` route's handler produced: kept on the request by its interceptor, else the
 * reply's own body when the handler marked it (taken once, so a later answer of the same object,
 * say a GET of what was created, never carries a `Location`).
 */
export function creationOf(request: object, body: unknown): Creation | undefined {
  const kept = CREATION.get(request);
  if (kept !== undefined) {
    if (typeof kept.entity === 'object' && kept.entity !== null)
      CREATED_RESULTS.delete(kept.entity);
    return kept;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const rule = CREATED_RESULTS.get(body);
  if (rule === undefined) return undefined;
  CREATED_RESULTS.delete(body);
  return { rule, entity: body };
}

/**
 * The start-up decision, made once the app's interceptors are known and before its routes are
 * registered: a `@Created` route that some interceptor may reshape (an app-wide one, or one of its
 * class or method) gets its own interceptor, innermost, to keep the handler's result for the
 * `Location`; the others answer from the marked result, with no interceptor at all.
 */
export function captureWhereReshaped(
  appWide: boolean,
  capture: object,
  isOurs: (enhancer: unknown) => boolean,
): void {
  for (const [method, classRef] of CREATED_METHODS) {
    const bound = [...interceptorsOf(classRef), ...interceptorsOf(method)];
    // Already kept by our interceptor (`@DeleteMissing` binds it), or nothing may reshape.
    if (bound.some(isOurs) && !interceptorsOf(method).includes(capture)) continue;
    if (appWide || bound.some((enhancer) => !isOurs(enhancer))) bindInnermostNow(capture, method);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
