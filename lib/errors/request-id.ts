import { randomUUID } from 'node:crypto';

/** Where the request id is kept on the request object (Express `req` or Fastify `request`). */
const REQUEST_ID = Symbol('nestjs-status.requestId');

/** Letters, digits and `._:-`, 1 to 128 of them: anything else is replaced, never echoed. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** `req_` followed by 32 hex digits. */
export function defaultRequestId(): string {
  return 'req_' + randomUUID().replace(/-/g, '');
}

/** The request id of a request, when one was assigned. */
export function getRequestId(request: object): string | undefined {
  return (request as Record<symbol, string | undefined>)[REQUEST_ID];
}

/**
 * Assigns (once) and returns the request id: the incoming header when well formed, else a new one.
 * `headerKey` is the lower-cased header name.
 */
export function assignRequestId(
  request: { headers?: Record<string, string | string[] | undefined> },
  headerKey: string,
  generate: () => string = defaultRequestId,
): string {
  const known = (request as Record<symbol, string | undefined>)[REQUEST_ID];
  if (known !== undefined) return known;
  const incoming = request.headers?.[headerKey];
  const id = typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : generate();
  (request as Record<symbol, string>)[REQUEST_ID] = id;
  return id;
}
