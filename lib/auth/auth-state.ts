import { peekState, stateOf } from '../request-state';

/** What the auth guard learnt about a request, kept on the request for the exception filter. */
export interface AuthState {
  /** The caller, or `null` for an anonymous one. */
  identity: unknown;
  /** Builds the route's not-found error when the route hides what the caller may not see. */
  hide?: NotFoundFactory;
}

/** Builds the error a hidden route answers with; it should be what the route throws when the resource is missing. */
export type NotFoundFactory = (request: any) => unknown;

/** Records the guard's verdict on the request (Express `req` or Fastify `request`). */
export function recordAuthState(request: object, state: AuthState): void {
  stateOf(request).auth = state;
}

/** The guard's verdict on a request, when the guard ran for it. */
export function authStateOf(request: object): AuthState | undefined {
  return peekState(request)?.auth;
}
