import { HttpException } from '@nestjs/common';
import { reasonPhrase, toUpperSnake } from './reason-phrases';
import type { FieldProblem } from './error-descriptor';

/** What a filter written for Nest's `HttpException` calls on one. */
interface HttpExceptionMembers extends Error {
  getStatus(): number;
  getResponse(): string | object;
}

/**
 * Nest's `HttpException` as our base, typed by the members filters call: its `status` is private,
 * and ours is public (the same value, which `getStatus()` returns). At run time the prototype chain
 * is Nest's own, so any filter's `instanceof HttpException` holds (docs/interop.md).
 */
const NestHttpException = HttpException as unknown as abstract new (
  response: string,
  status: number,
  options?: { cause?: unknown; errorCode?: string },
) => HttpExceptionMembers;

/** Options every domain error takes besides its message and extra fields. */
export interface DomainErrorOptions {
  /** Overrides the code derived from the class name. */
  code?: string;
  /** The error this one wraps; logged, never sent. */
  cause?: unknown;
  /** Headers the response must carry. */
  headers?: Record<string, string>;
}

/**
 * Base of every error the library turns into an HTTP answer. Extend one of its subclasses
 * (`NotFoundError`, `ConflictError`, ...) rather than this class: they carry the status, so a
 * service throws a domain error and never thinks about HTTP.
 *
 * The `code` is the class name in UPPER_SNAKE without an `Error`/`Exception` suffix
 * (`EmailTaken` → `EMAIL_TAKEN`) unless the class declares `static code = '...'`.
 * `extras` become top-level members of the error body. It carries no stack trace (an expected
 * outcome, not a bug: capturing one would cost more than the rest of the error response).
 *
 * It is a Nest `HttpException`, so a filter of the app's own (or Nest's built-in one) answers it
 * with its status and Nest's body shape (`getResponse()`), not a 500.
 *
 * @example
 * export class EmailTaken extends ConflictError {
 *   constructor(email: string) {
 *     super(`A user with email ${email} already exists.`, { field: 'email' });
 *   }
 * }
 */
export abstract class DomainError extends NestHttpException {
  /** The HTTP status this error answers with. */
  abstract readonly status: number;
  /** Machine-readable UPPER_SNAKE code. */
  readonly code: string;
  /** The `code`, where Nest 12's filters look for it. */
  errorCode: string;
  /** Extra top-level members of the error body, e.g. `{ field: 'email' }`. */
  readonly extras: Record<string, unknown>;
  /** Headers the response must carry. */
  readonly headers?: Record<string, string>;
  /** Field-level problems, when there are any. */
  details?: FieldProblem[];

  /** Said when a subclass is thrown without a message of its own. */
  static readonly defaultMessage: string = 'The request could not be completed.';

  constructor(
    message?: string,
    extras: Record<string, unknown> = {},
    options: DomainErrorOptions = {},
  ) {
    // A domain error is an expected outcome, not a bug: its stack is never sent, and never logged
    // (only 5xx are, and a wrapped `cause` keeps its own). Collecting one costs V8 2-5 µs, the
    // largest part of what a 429 costs beyond bare Nest (README, Performance).
    const stackTraceLimit = Error.stackTraceLimit;
    const code = options.code ?? codeOf(new.target);
    Error.stackTraceLimit = 0;
    try {
      // The status is the subclass's field, set once this returns: `getStatus()` reads it then.
      super(message ?? (new.target as unknown as typeof DomainError).defaultMessage, 0, {
        cause: options.cause,
        errorCode: code,
      });
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    if (options.cause !== undefined) this.cause = options.cause;
    this.name = new.target.name;
    this.extras = extras;
    this.headers = options.headers;
    this.code = code;
    this.errorCode = code;
  }

  /** The status, for any filter written for `HttpException`. */
  override getStatus(): number {
    return this.status;
  }

  /**
   * The body a filter written for `HttpException` sends (Nest's built-in one does): Nest's shape,
   * `{ statusCode, error, message, errorCode, details?, ...extras }`, never the `cause`.
   */
  override getResponse(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      statusCode: this.status,
      error: reasonPhrase(this.status),
      message: this.message,
      errorCode: this.code,
    };
    if (this.details && this.details.length > 0) body.details = this.details;
    for (const key of Object.keys(this.extras)) {
      if (!(key in body) && this.extras[key] !== undefined) body[key] = this.extras[key];
    }
    return body;
  }
}

const codeCache = new WeakMap<object, string>();

/** The code of an error class: its `static code`, else its name in UPPER_SNAKE. */
function codeOf(errorClass: { readonly name: string }): string {
  let code = codeCache.get(errorClass);
  if (code === undefined) {
    // Only the class's own `static code`: a subclass gets a code of its own name.
    const declared = Object.hasOwn(errorClass, 'code')
      ? (errorClass as unknown as { code?: unknown }).code
      : undefined;
    code =
      typeof declared === 'string'
        ? declared
        : toUpperSnake(errorClass.name.replace(/(Error|Exception)$/, '')) || 'ERROR';
    codeCache.set(errorClass, code);
  }
  return code;
}

/** 400: the request cannot be understood as sent. */
export class BadRequestError extends DomainError {
  static override readonly defaultMessage: string = 'The request is malformed.';
  readonly status: number = 400;
}

/** 401: no usable credentials. The filter adds the `WWW-Authenticate` challenge. */
export class UnauthenticatedError extends DomainError {
  static override readonly defaultMessage: string =
    'Authentication required. Provide a valid Bearer token.';
  readonly status: number = 401;
  /** Auth-params the filter appends to its challenge, e.g. `{ error: 'invalid_token' }` (RFC 6750 3). */
  challengeParams?: Record<string, string>;
}

/** 403: the caller is known but may not do this. */
export class ForbiddenError extends DomainError {
  static override readonly defaultMessage: string = 'You do not have permission to do this.';
  readonly status: number = 403;
}

/** 404: the resource does not exist (or is hidden from the caller). */
export class NotFoundError extends DomainError {
  static override readonly defaultMessage: string = 'The requested resource was not found.';
  readonly status: number = 404;
}

/** 409: the request conflicts with the current state of the resource. */
export class ConflictError extends DomainError {
  static override readonly defaultMessage: string =
    'The request conflicts with the current state of the resource.';
  readonly status: number = 409;
}

/** 412: a precondition (`If-Match`, `If-Unmodified-Since`) failed. */
export class PreconditionFailedError extends DomainError {
  static override readonly defaultMessage: string = 'A precondition of the request failed.';
  readonly status: number = 412;
}

/** 415: the body is in a media type the route does not take. */
export class UnsupportedMediaTypeError extends DomainError {
  static override readonly defaultMessage: string =
    'The request body has a media type this route does not accept. Send application/json.';
  readonly status: number = 415;
}

/** 422: well-formed input that breaks the rules; `details` lists each field. */
export class ValidationFailedError extends DomainError {
  readonly status: number = 422;
  constructor(
    details: FieldProblem[] = [],
    message?: string,
    extras?: Record<string, unknown>,
    options?: DomainErrorOptions,
  ) {
    super(message ?? validationMessage(details), extras, options);
    this.details = details;
  }
}

/** 428: the route requires a conditional request (send `If-Match`). */
export class PreconditionRequiredError extends DomainError {
  static override readonly defaultMessage: string =
    'This request must be conditional. Send If-Match with the ETag you last read.';
  readonly status: number = 428;
}

/** 429: too many requests; `retryAfter` seconds become `Retry-After`. */
export class TooManyRequestsError extends DomainError {
  static readonly code: string = 'RATE_LIMIT_EXCEEDED';
  readonly status: number = 429;
  constructor(
    retryAfter?: number,
    message?: string,
    extras: Record<string, unknown> = {},
    options: DomainErrorOptions = {},
  ) {
    const seconds = retryAfter === undefined ? undefined : Math.max(0, Math.ceil(retryAfter));
    super(
      message ??
        (seconds === undefined
          ? 'Rate limit exceeded. Please retry later.'
          : `Rate limit exceeded. Please retry after ${seconds} seconds.`),
      seconds === undefined ? extras : { ...extras, retryAfter: seconds },
      seconds === undefined
        ? options
        : { ...options, headers: { 'Retry-After': String(seconds), ...options.headers } },
    );
  }
}

/**
 * 503: a dependency (Redis, a database, a queue) is down, paused or busy. The request did nothing;
 * `retryAfter` seconds become `Retry-After`. Expected, so it is logged once at warn, not as a bug.
 *
 * @example
 * throw new ServiceUnavailableError('The database is busy; try again shortly.', 1, { cause: error });
 */
export class ServiceUnavailableError extends DomainError {
  static override readonly defaultMessage: string =
    'The service is temporarily unavailable. Please retry later.';
  readonly status: number = 503;
  constructor(message?: string, retryAfter = 1, options: DomainErrorOptions = {}) {
    const seconds = Math.max(1, Math.ceil(retryAfter));
    super(
      message,
      { retryAfter: seconds },
      { ...options, headers: { 'Retry-After': String(seconds), ...options.headers } },
    );
  }
}

/** `Validation Failed: name, email.`: at most ten names, then how many more. */
export function validationMessage(details: readonly FieldProblem[]): string {
  const fields = [...new Set(details.map((d) => d.field))];
  if (fields.length === 0) return 'Validation Failed.';
  const shown = fields.slice(0, 10).join(', ');
  const more = fields.length > 10 ? ` and ${fields.length - 10} more` : '';
  return `Validation Failed: ${shown}${more}.`;
}
