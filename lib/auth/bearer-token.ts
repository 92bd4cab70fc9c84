import { InvalidTokenError } from './auth.errors';

type WithHeaders = { headers?: Record<string, string | string[] | undefined> };

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 2.1); `undefined` when the
 * request has no `Authorization` header (no credentials → 401 "Authentication required"). A header
 * that is there but is not a well-formed Bearer credential throws `InvalidTokenError`.
 *
 * @example
 * const token = bearerToken(request);
 * if (token === undefined) return undefined;
 * return verify(token);
 */
export function bearerToken(request: WithHeaders): string | undefined {
  if (!hasCredentials(request)) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(String(request.headers?.authorization));
  if (!match) throw new InvalidTokenError('The Authorization header must be "Bearer <token>".');
  return match[1];
}

/** Whether the request sent credentials of any scheme (a non-empty `Authorization` header). */
export function hasCredentials(request: WithHeaders): boolean {
  const header = request.headers?.authorization;
  return typeof header === 'string' && header.trim() !== '';
}
