import { IncomingMessage } from 'node:http';
import type { AuthState } from './auth/auth-state';
import type { ThrottleOutcome } from './rate-limit/rate-limit-headers';
import type { Creation } from './responses/created-route';

/** Everything the library keeps for one request, between the parts that run for it. */
export interface RequestState {
  /** Assigned once: the incoming id when well formed, else a new one. */
  requestId: string | undefined;
  /** The auth guard's verdict, for the exception filter. */
  auth: AuthState | undefined;
  /** Whether the auth guard already decided (it may be added app-wide and per route). */
  authGuardRan: boolean;
  /** What a `@Created` route's handler returned, for the reply shaper's `Location`. */
  creation: Creation | undefined;
  /** The route said `@ETag(false)` (or tags by itself): the reply shaper hashes nothing. */
  noAutoEtag: boolean;
  /** The conditional interceptor ran (class and handler may both add it). */
  conditionalApplied: boolean;
  /** The route's `@DeleteMissing()` choice, for the filter. */
  deleteMissing: 404 | 204 | undefined;
  /** This request's counts, kept by the rate-limit guard for its headers. */
  throttle: ThrottleOutcome[] | undefined;
  /** Counted at the door (`rate-limit-door.ts`): the guard reuses that count, never counts again. */
  throttleCounted: boolean;
  /** The storage failed at the door: the guard answers with this error, without a second wait. */
  throttleError: unknown;
  /** The rate limit's storage could not count this request (served uncounted, fail open). */
  throttleUncounted: boolean;
}

const STATE = Symbol('nestjs-status.requestState');
const onNodeRequests = new WeakMap<object, RequestState>();

/** Every member from the start, so all states share one shape. */
function fresh(): RequestState {
  return {
    requestId: undefined,
    auth: undefined,
    authGuardRan: false,
    creation: undefined,
    noAutoEtag: false,
    conditionalApplied: false,
    deleteMissing: undefined,
    throttle: undefined,
    throttleCounted: false,
    throttleError: undefined,
    throttleUncounted: false,
  };
}

/**
 * The library's state for a request (Express `req` or Fastify `request`), created on first use.
 *
 * Where it is kept is a matter of speed, measured (bench/): on a Fastify `request`, an instance of
 * one class, a property of ours costs ~20 ns. Express re-parents every `req`
 * (`Object.setPrototypeOf`), which gives each one a hidden class of its own, and any property
 * added to it then costs ~1.2 µs; so for Node's `IncomingMessage` the state lives in a WeakMap
 * (~0.16 µs an entry) and the request is left untouched.
 */
export function stateOf(request: object): RequestState {
  if (request instanceof IncomingMessage) {
    let state = onNodeRequests.get(request);
    if (state === undefined) onNodeRequests.set(request, (state = fresh()));
    return state;
  }
  const holder = request as { [STATE]?: RequestState | null };
  return (holder[STATE] ??= fresh());
}

/** The state of a request if anything was kept for it yet, without creating one. */
export function peekState(request: object): RequestState | undefined {
  return request instanceof IncomingMessage
    ? onNodeRequests.get(request)
    : ((request as { [STATE]?: RequestState | null })[STATE] ?? undefined);
}

/**
 * Declares the state's slot on Fastify's `Request` class, so that every request is built with it
 * and setting it later does not give requests a second hidden class (which would make Fastify's
 * own code, and every user's, slower on them). Fastify accepts declarations until it starts.
 */
export function declareFastifyState(instance: {
  decorateRequest?: (name: symbol, value: null) => unknown;
  hasRequestDecorator?: (name: symbol) => boolean;
}): void {
  if (typeof instance?.decorateRequest !== 'function') return;
  if (instance.hasRequestDecorator?.(STATE)) return;
  try {
    instance.decorateRequest(STATE, null);
  } catch {
    // Started already (an app initialised twice): requests get the slot when first used.
  }
}
