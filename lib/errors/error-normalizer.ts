import { HttpException, Logger } from '@nestjs/common';
import { DomainError, UnauthenticatedError } from './domain-errors';
import type { ErrorDescriptor, FieldProblem } from './error-descriptor';
import { jsonErrorPosition } from './json-error-position';
import { OutageLog } from '../platform/outage-log';
import { defaultCode, reasonPhrase, toUpperSnake } from './reason-phrases';
import type { ErrorMapping } from '../options/status-options';

/** Keys of an `HttpException` response object that are not extra members. */
const NEST_KEYS = new Set(['statusCode', 'error', 'message', 'code', 'errorCode', 'details']);
const CODE_PATTERN = /^[A-Z][A-Z0-9_]*$/;
/** A cause not seen for this long is a new outage, logged again. */
const QUIET_MS = 60_000;
/** Causes remembered at most; past it the memory starts over (at worst a line more). */
const MAX_CAUSES = 1000;

/**
 * Turns anything thrown into an `ErrorDescriptor`: our domain errors, Nest's `HttpException`s,
 * what the adapters' body parsers throw, mapped foreign errors, and the unexpected (500).
 */
export class ErrorNormalizer {
  private readonly logger = new Logger('StatusModule');
  /** When each expected 5xx cause was last seen, to log it once per outage. */
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly mappings: readonly ErrorMapping[]) {}

  normalize(exception: unknown): ErrorDescriptor {
    if (exception instanceof DomainError) return fromDomainError(exception);
    if (exception instanceof HttpException) return this.fromHttpException(exception);
    const mapped = this.fromMapping(exception);
    if (mapped) return mapped;
    const client = fromClientError(exception);
    if (client) return client;
    return {
      status: 500,
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred. Quote the requestId when reporting it.',
    };
  }

  private fromHttpException(exception: HttpException): ErrorDescriptor {
    const status = exception.getStatus();
    const parser = fromParserError(status, exception.cause);
    if (parser) return parser;
    const response = exception.getResponse();
    // Nest 12's `errorCode` option; Nest 11 has none.
    const errorCode = nestErrorCode((exception as { errorCode?: unknown }).errorCode);
    if (typeof response === 'string') {
      return { status, code: errorCode ?? defaultCode(status), message: response };
    }
    const body = (response ?? {}) as Record<string, unknown>;
    const rawMessage = body.message;
    const message = Array.isArray(rawMessage)
      ? rawMessage.map(String).join('; ')
      : typeof rawMessage === 'string'
        ? rawMessage
        : exception.message || `${reasonPhrase(status)}.`;
    const descriptor: ErrorDescriptor = {
      status,
      code:
        errorCode ??
        nestErrorCode(body.errorCode) ??
        (typeof body.code === 'string' && CODE_PATTERN.test(body.code)
          ? body.code
          : defaultCode(status)),
      message,
    };
    if (Array.isArray(body.details)) descriptor.details = body.details as FieldProblem[];
    for (const key of Object.keys(body)) {
      if (!NEST_KEYS.has(key)) (descriptor.extras ??= {})[key] = body[key];
    }
    return descriptor;
  }

  private fromMapping(exception: unknown): ErrorDescriptor | undefined {
    for (const mapping of this.mappings) {
      if (!matches(mapping, exception)) continue;
      const message =
        typeof mapping.message === 'function'
          ? mapping.message(exception)
          : (mapping.message ?? `${reasonPhrase(mapping.status)}.`);
      return {
        status: mapping.status,
        code: mapping.code ?? defaultCode(mapping.status),
        message,
        extras: mapping.extras?.(exception),
      };
    }
    return undefined;
  }

  /**
   * Logs a 5xx with its stack and request id; 4xx are the client's business, not errors. A 5xx
   * `DomainError` (a dependency down or busy, a job timed out) is expected: one warning without a
   * stack per cause and outage, none when an `OutageLog` already told it.
   */
  log(exception: unknown, descriptor: ErrorDescriptor, requestId: string): void {
    // 501 and 505 answer what the client asked for (a method, a coding, a version), not a fault.
    if (descriptor.status < 500 || descriptor.status === 501 || descriptor.status === 505) return;
    if (exception instanceof DomainError) {
      if (OutageLog.wasReported(exception)) return;
      const cause = exception.cause === undefined ? '' : ` (cause: ${describe(exception.cause)})`;
      if (this.seenRecently(`${descriptor.code} ${exception.message}${cause}`)) return;
      this.logger.warn(
        `[${requestId}] ${descriptor.status} ${descriptor.code}: ${exception.message}${cause}`,
      );
      return;
    }
    const stack = exception instanceof Error ? exception.stack : String(exception);
    this.logger.error(`[${requestId}] ${descriptor.status} ${describe(exception)}`, stack);
  }

  /** Whether this cause was logged less than `QUIET_MS` ago; notes it as seen now either way. */
  private seenRecently(cause: string): boolean {
    const now = Date.now();
    const last = this.lastSeen.get(cause);
    if (last === undefined && this.lastSeen.size >= MAX_CAUSES) this.lastSeen.clear();
    this.lastSeen.set(cause, now);
    return last !== undefined && now - last < QUIET_MS;
  }
}

/** Nest's `errorCode` as our code: UPPER_SNAKE as given, else made so (`weak-password`). */
function nestErrorCode(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (CODE_PATTERN.test(value)) return value;
  const code = toUpperSnake(value);
  return CODE_PATTERN.test(code) ? code : undefined;
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : typeof exception;
}

function matches(mapping: ErrorMapping, exception: unknown): boolean {
  const { error } = mapping;
  if (error.prototype instanceof Error || error === Error) {
    return exception instanceof (error as abstract new (...args: any[]) => unknown);
  }
  try {
    return (error as (e: unknown) => boolean)(exception) === true;
  } catch {
    return false;
  }
}

function fromDomainError(error: DomainError): ErrorDescriptor {
  return {
    status: error.status,
    code: error.code,
    message: error.message,
    details: error.details,
    extras: error.extras,
    headers: error.headers,
    challengeParams: error instanceof UnauthenticatedError ? error.challengeParams : undefined,
  };
}

type ParserCause = {
  type?: unknown;
  code?: unknown;
  body?: unknown;
  limit?: unknown;
  message?: unknown;
  statusCode?: unknown;
  status?: unknown;
  expose?: unknown;
};

/**
 * What Express's body-parser and Fastify's content-type parsers throw, which Nest wraps in an
 * `HttpException` with the original as `cause`. Their messages can quote the body, so each
 * gets a message of ours.
 */
function fromParserError(status: number, cause: unknown): ErrorDescriptor | undefined {
  if (cause === null || typeof cause !== 'object') return undefined;
  const c = cause as ParserCause;
  const code = typeof c.code === 'string' ? c.code : undefined;
  const fromAdapter =
    typeof c.type === 'string' ||
    typeof c.expose === 'boolean' ||
    code?.startsWith('FST_') ||
    // By name: Node's own errors come from another realm under test runners.
    (cause as Error).name === 'SyntaxError' ||
    (cause as Error).name === 'URIError';
  if (!fromAdapter) return undefined;
  if (code === 'FST_ERR_BAD_URL') {
    return {
      status: 400,
      code: 'MALFORMED_URL',
      message: 'The request path has an invalid percent-encoding.',
    };
  }
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return {
      status: 414,
      code: 'URI_TOO_LONG',
      message: 'A segment of the request path is longer than this server accepts.',
    };
  }
  if ((cause as Error).name === 'URIError') {
    return {
      status: 400,
      code: 'MALFORMED_URL',
      message: 'The request path has an invalid percent-encoding.',
    };
  }
  if (status === 413) {
    // Fastify's error does not say its limit; both adapters say the same.
    return { status, code: 'CONTENT_TOO_LARGE', message: 'The request body is too large.' };
  }
  if (status === 415) {
    return {
      status,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message:
        'The request body has a media type this route does not accept. Send application/json.',
    };
  }
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return {
      status: 400,
      code: 'MISSING_BODY',
      message: 'The request body is empty. Send a JSON object.',
    };
  }
  const text = String(c.message ?? '');
  if (/prototype property/.test(text)) return forbiddenProperty();
  if (
    (cause as Error).name === 'SyntaxError' ||
    c.type === 'entity.parse.failed' ||
    code === 'FST_ERR_CTP_INVALID_JSON_BODY'
  ) {
    const position =
      typeof c.body === 'string'
        ? jsonErrorPosition(c.body)
        : Number(/at position (\d+)/.exec(text)?.[1] ?? -1);
    if (position < 0 && typeof c.body === 'string') {
      // Valid JSON the parser refused: Express's strict parser refuses a body that is not an
      // object or array (`null`, `42`); Fastify's a `__proto__` / `constructor.prototype` key.
      return isJsonContainer(c.body) ? forbiddenProperty() : invalidBody();
    }
    const at = position >= 0 ? ` at position ${position}` : '';
    return {
      status: 400,
      code: 'MALFORMED_JSON',
      message: `Request body contains invalid JSON${at}.`,
    };
  }
  return { status, code: defaultCode(status), message: `${reasonPhrase(status)}.` };
}

/** http-errors style errors (thrown by middleware) that say they are the client's fault. */
function fromClientError(exception: unknown): ErrorDescriptor | undefined {
  if (exception === null || typeof exception !== 'object') return undefined;
  const e = exception as ParserCause;
  const status =
    typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : 0;
  if (status < 400 || status > 499) return undefined;
  return (
    fromParserError(status, exception) ?? {
      status,
      code: defaultCode(status),
      message: `${reasonPhrase(status)}.`,
    }
  );
}

function forbiddenProperty(): ErrorDescriptor {
  return {
    status: 400,
    code: 'FORBIDDEN_PROPERTY',
    message:
      'The request body contains a forbidden property name (__proto__ or constructor.prototype).',
  };
}

function invalidBody(): ErrorDescriptor {
  return { status: 400, code: 'INVALID_BODY', message: 'The request body must be a JSON object.' };
}

/** Whether valid JSON `text` is an object or an array. */
function isJsonContainer(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}
