import {
  EntityTag,
  EntityTagCondition,
  parseEntityTagCondition,
  strongMatch,
  weakMatch,
} from './entity-tags';
import { parseHttpDate } from './http-dates';

/** What the server knows of the resource's current representation. */
export interface CurrentValidators {
  /** Whether a current representation exists (a PUT may target one that does not). */
  exists: boolean;
  etag?: EntityTag;
  /** Last modification, in seconds since the epoch. */
  lastModified?: number;
}

/** The four precondition headers as received (lower-case names, as Node gives them). */
export interface PreconditionHeaders {
  'if-match'?: string | string[];
  'if-none-match'?: string | string[];
  'if-modified-since'?: string | string[];
  'if-unmodified-since'?: string | string[];
}

/** Which condition failed: the answer is 412 (or 409), or 304 for `If-None-Match` on a read. */
export type FailedCondition = 'if-match' | 'if-unmodified-since' | 'if-none-match';

/** Outcome of RFC 9110 13.2.2. */
export type PreconditionOutcome =
  { kind: 'proceed' } | { kind: 'not-modified' } | { kind: 'failed'; condition: FailedCondition };

/** The outcome without any precondition. */
export const PROCEED: PreconditionOutcome = { kind: 'proceed' };
const NOT_MODIFIED: PreconditionOutcome = { kind: 'not-modified' };

/** Whether the request carries any precondition a write can be guarded by. */
export function hasWritePrecondition(headers: PreconditionHeaders): boolean {
  return (
    headers['if-match'] !== undefined ||
    headers['if-unmodified-since'] !== undefined ||
    headers['if-none-match'] !== undefined
  );
}

/**
 * Evaluates the preconditions in the order of RFC 9110 13.2.2: If-Match, else
 * If-Unmodified-Since; then If-None-Match, else (GET/HEAD only) If-Modified-Since.
 *
 * @example
 * evaluatePreconditions({ 'if-none-match': '"v5"' }, 'GET', { exists: true, etag: { weak: false, opaque: 'v5' } })
 * // → { kind: 'not-modified' }
 */
export function evaluatePreconditions(
  headers: PreconditionHeaders,
  method: string,
  current: CurrentValidators,
): PreconditionOutcome {
  const read = method === 'GET' || method === 'HEAD';
  const ifMatch = joined(headers['if-match']);
  if (ifMatch !== undefined) {
    if (!ifMatchHolds(parseEntityTagCondition(ifMatch), current)) {
      return { kind: 'failed', condition: 'if-match' };
    }
  } else {
    // 13.1.4: only without If-Match, only a valid date, only when the resource has a date.
    const since = parseHttpDate(single(headers['if-unmodified-since']));
    if (since !== undefined && current.lastModified !== undefined && current.lastModified > since) {
      return { kind: 'failed', condition: 'if-unmodified-since' };
    }
  }
  const ifNoneMatch = joined(headers['if-none-match']);
  if (ifNoneMatch !== undefined) {
    if (!ifNoneMatchHolds(parseEntityTagCondition(ifNoneMatch), current)) {
      return read ? NOT_MODIFIED : { kind: 'failed', condition: 'if-none-match' };
    }
  } else if (read) {
    const since = parseHttpDate(single(headers['if-modified-since']));
    if (
      since !== undefined &&
      current.lastModified !== undefined &&
      current.lastModified <= since
    ) {
      return NOT_MODIFIED;
    }
  }
  return PROCEED;
}

/** 13.1.1: `*` holds when a representation exists; a list holds on a STRONG match. */
function ifMatchHolds(condition: EntityTagCondition, current: CurrentValidators): boolean {
  if (!current.exists) return false;
  if (condition === '*') return true;
  const etag = current.etag;
  return etag !== undefined && condition.some((tag) => strongMatch(tag, etag));
}

/** 13.1.2: `*` fails when a representation exists; a list fails on a WEAK match. */
function ifNoneMatchHolds(condition: EntityTagCondition, current: CurrentValidators): boolean {
  if (!current.exists) return true;
  if (condition === '*') return false;
  const etag = current.etag;
  return etag === undefined || !condition.some((tag) => weakMatch(tag, etag));
}

/** A list field received on several lines is one list. */
function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** A date field received more than once is invalid, hence ignored (13.1.3). */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}
