import { DomainError } from '../errors/domain-errors';
import type { BodyLimitName, StructureProblem } from './body-limits';

type Breach = Extract<StructureProblem, { kind: 'limit' }>;

/**
 * 413: the body is within the byte limit but holds more than `limits.body` allows (too many keys,
 * elements or values, too long a string, too deep). The message names the limit and the JSON
 * pointer where it was hit, never a value of the body.
 */
export class BodyTooComplexError extends DomainError {
  static readonly code: string = 'BODY_TOO_COMPLEX';
  static override readonly defaultMessage: string =
    'The request body holds more than this server accepts.';
  readonly status: number = 413;

  /** The error for a limit the walk found broken in a body. */
  static create(breach: Breach): BodyTooComplexError {
    return new BodyTooComplexError(describeBreach('body', breach));
  }
}

/**
 * 414: a query string that parses into more than `limits.body` allows (a query is part of the
 * target URI, not the content, so the status is URI Too Long rather than 413).
 */
export class QueryTooComplexError extends DomainError {
  static readonly code: string = 'QUERY_TOO_COMPLEX';
  static override readonly defaultMessage: string =
    'The query string holds more than this server accepts.';
  readonly status: number = 414;

  /** The error for a limit the walk found broken in a query. */
  static create(breach: Breach): QueryTooComplexError {
    return new QueryTooComplexError(describeBreach('query', breach));
  }
}

const HINT: Readonly<Record<BodyLimitName, (subject: string) => string>> = {
  maxKeys: () => 'Send fewer keys',
  maxArrayLength: () => 'Send fewer elements',
  maxStringLength: () => 'Send a shorter string',
  maxNodes: (subject) => `Send a smaller ${subject}`,
  maxDepth: (subject) => `Send a flatter ${subject}`,
};

/** "The body has an object with more than 1000 keys at /tags (limit maxKeys). Send fewer keys, …" */
function describeBreach(subject: 'body' | 'query', breach: Breach): string {
  const place = breach.pointer === '' ? 'at the top level' : `at ${breach.pointer}`;
  return (
    `The ${subject} ${whatBroke(breach)} ${place} (limit ${breach.limit}). ` +
    `${HINT[breach.limit](subject)}, or raise limits.body.${breach.limit}.`
  );
}

function whatBroke({ limit, max, inKey }: Breach): string {
  switch (limit) {
    case 'maxKeys':
      return `has an object with more than ${max} keys`;
    case 'maxArrayLength':
      return `has an array with more than ${max} elements`;
    case 'maxStringLength':
      return inKey
        ? `has a key longer than ${max} characters in the object`
        : `has a string longer than ${max} characters`;
    case 'maxNodes':
      return `has more than ${max} values in all; the count passed the limit`;
    case 'maxDepth':
      return `is nested more than ${max} levels deep`;
  }
}
