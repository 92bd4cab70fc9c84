import { RequestSlot } from '../platform/request-state';

/** What the auth guard learnt about a request, kept on the request for the exception filter. */
export interface AuthState {
  /** The caller, or `null` for an anonymous one. */
  identity: unknown;
  /** Builds the route's not-found error when the route hides what the caller may not see. */
  hide?: NotFoundFactory;
}

/** Builds the error a hidden route answers with; it should be what the route throws when the resource is missing. */
export type NotFoundFactory = (request: any) => unknown;

/** Written by the auth guard; read by the forbidden policy when the exception filter asks it. */
const AUTH_VERDICT = new RequestSlot<AuthState>('authVerdict');

/** Records the guard's verdict on the request (Express `req` or Fastify `request`). */
export function recordAuthState(request: object, state: AuthState): void {
  AUTH_VERDICT.set(request, state);
}

/** The guard's verdict on a request, when the guard ran for it. */
export function authStateOf(request: object): AuthState | undefined {
  return AUTH_VERDICT.get(request);
}
