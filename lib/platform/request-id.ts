import { randomBytes } from 'node:crypto';
import { RequestSlot } from './request-state';

/** Letters, digits and `._:-`, 1 to 128 of them: anything else is replaced, never echoed. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/** 20 random hex digits for this process, then a counter: unique without entropy per request. */
const PROCESS_PREFIX = 'req_' + randomBytes(10).toString('hex');
let sequence = 0;
/** The counter's last two hex digits, `00` to `ff`. */
const LAST_DIGITS = Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'));
/** The id without its last two digits, remade once every 256 ids. */
let leading = PROCESS_PREFIX + '0'.repeat(10);

/** `req_` followed by 32 hex digits: 80 random bits per process and a 48-bit counter. */
export function defaultRequestId(): string {
  sequence = (sequence + 1) % 0x1000000000000;
  const last = sequence % 256;
  // Formatting the counter as hex costs more than the rest of the id; it is done once per 256.
  if (last === 0) {
    leading =
      PROCESS_PREFIX +
      Math.floor(sequence / 256)
        .toString(16)
        .padStart(10, '0');
  }
  return leading + LAST_DIGITS[last];
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
