import { randomBytes } from 'node:crypto';
import { RequestSlot } from './request-state';

/** Letters, digits and `._:-`, 1 to 128 of them: anything else is replaced, never echoed. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** 20 random hex digits for this process, then a counter: unique without entropy per request. */
const PROCESS_PREFIX = 'req_' + randomBytes(10).toString('hex');
let sequence = 0;

/** `req_` followed by 32 hex digits: 80 random bits per process and a 48-bit counter. */
export function defaultRequestId(): string {
  sequence = (sequence + 1) % 0x1000000000000;
  return PROCESS_PREFIX + sequence.toString(16).padStart(12, '0');
}

/** Assigned once, by the first part to answer or to ask for it; read by every later one. */
const REQUEST_ID = new RequestSlot<string>('requestId');

/** The request id of a request, when one was assigned. */
export function getRequestId(request: object): string | undefined {
  return REQUEST_ID.get(request);
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
  const assigned = REQUEST_ID.get(request);
  if (assigned !== undefined) return assigned;
  const incoming = request.headers?.[headerKey];
  const id = typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : generate();
  REQUEST_ID.set(request, id);
  return id;
}
