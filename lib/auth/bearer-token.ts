import { InvalidTokenError } from './auth.errors';

type WithHeaders = { headers?: Record<string, string | string[] | undefined> };

/** `b64token` of RFC 6750 2.1. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 2.1). `undefined` when the
 * request sends no Bearer token: no `Authorization` header, another scheme (`Basic ...`), or
 * `Bearer` with nothing after it. RFC 6750 3.1 answers those with the bare challenge (401
 * "Authentication required", `WWW-Authenticate: Bearer realm="api"`, no error code). A Bearer
 * token that is not a well-formed `b64token` throws `InvalidTokenError`.
 *
 * @example
 * const token = bearerToken(request);
 * if (token === undefined) return undefined;
 * return verify(token);
 */
export function bearerToken(request: WithHeaders): string | undefined {
  const credentials = bearerCredentials(request);
  if (credentials === undefined) return undefined;
  if (!B64TOKEN.test(credentials)) {
    throw new InvalidTokenError('The Authorization header must be "Bearer <token>".');
  }
  return credentials;
}

/** Whether the request sent credentials of any scheme (a non-empty `Authorization` header). */
export function hasCredentials(request: WithHeaders): boolean {
  const header = request.headers?.authorization;
  return typeof header === 'string' && header.trim() !== '';
}

/**
 * Whether the request sent a Bearer token, well formed or not: what makes a refusal an
 * `error="invalid_token"` rather than the bare challenge.
 */
export function hasBearerToken(request: WithHeaders): boolean {
  return bearerCredentials(request) !== undefined;
}

/** What follows `Bearer` (scheme names are case-insensitive), or `undefined` for none. */
function bearerCredentials(request: WithHeaders): string | undefined {
  const header = request.headers?.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^[ \t]*bearer(?:[ \t]+(.*))?$/is.exec(header);
  const credentials = match?.[1]?.trim();
  return credentials ? credentials : undefined;
}
