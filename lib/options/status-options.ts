import type { Type } from '@nestjs/common';
import type { AuthOptions } from './auth.options';
import type { BodyLimits, EtagHash, PageLimits } from './limits.options';
import type { JobsOptions, ResolvedJobsOptions } from './jobs.options';
import type { RateLimitOptions } from './rate-limit.options';
import type { ResolvedShutdownOptions, ShutdownOptions } from './shutdown.options';
import { withDefaults } from './with-defaults';

// The options of `StatusModule.forRoot()`, one class per concern. One rule everywhere: an object
// turns a part on (its members over the defaults below), `false` turns it off, leaving it out
// gives the default. They are resolved once, at start-up, checked and frozen.

/** Maps an error class from another package (an ORM, a driver) to an HTTP answer. */
export interface ErrorMapping<E = any> {
  /** The error class, or a predicate for errors that have no class of their own. */
  error: Type<E> | (abstract new (...args: any[]) => E) | ((error: unknown) => boolean);
  /** The status to answer with, e.g. 404 or 409. */
  status: number;
  /** Machine-readable code; defaults to the status's code (`NOT_FOUND`, `CONFLICT`). */
  code?: string;
  /** Message for the client; defaults to a generic one (the error's own message may be internal). */
  message?: string | ((error: E) => string);
  /** Extra top-level members of the body, e.g. `(e) => ({ field: 'email' })`. */
  extras?: (error: E) => Record<string, unknown>;
}

/** The challenge every 401 carries in `WWW-Authenticate` (RFC 9110 11.6.1). */
export interface AuthChallengeOptions {
  /** Authentication scheme. Default `Bearer`. */
  scheme?: string;
  /** Protection space. Default `api`. */
  realm?: string;
}

/**
 * `errors`: the global exception filter (`APP_FILTER`) and the body of every error. `false`
 * leaves errors to Nest or to a filter of your own; answers the platform gives before any route
 * (a malformed request line, a timeout, shutting down) keep the default envelope.
 */
export class ErrorsOptions {
  /**
   * `'envelope'`: the guide's `{ error, message, code, details?, requestId, docs? }`;
   * `'problem'`: RFC 9457 `application/problem+json`.
   */
  format?: 'envelope' | 'problem' = 'envelope';
  /** Builds the `docs` link (envelope) or `type` URI (problem) of an error from its code. */
  docsUrl?: (code: string) => string | undefined = undefined;
  /** Foreign errors to answer with a status of their own instead of a 500. */
  mappings?: readonly ErrorMapping[] = [];
  /** The `WWW-Authenticate` challenge added to every 401 that has none. */
  challenge?: AuthChallengeOptions = {};
  /** Answer a known path asked with another method as 405 with `Allow` (instead of 404). */
  methodNotAllowed?: boolean = true;
}

/** `requestId`: the id every answer carries, read from the client's header when well formed. */
export class RequestIdOptions {
  /** The header it is read from and written to. */
  header?: string = 'X-Request-Id';
  /** Makes an id when the client sent none (or one that is not well formed). Default: a UUID. */
  generate?: () => string = undefined;
}

/**
 * `validation`: the global pipe (`APP_PIPE`: 400 for input that cannot be read, 422 for rule
 * failures) and the media types a body may have. `false` leaves both out.
 */
export class ValidationOptions {
  /**
   * Media types a request body may have; anything else (forms and multipart included, which a
   * browser posts cross-site without asking) is 415 before any parser reads it.
   */
  mediaTypes?: readonly string[] = ['application/json'];
}

/** `limits`: how much a request may be, in size and in time. */
export class LimitsOptions {
  /**
   * What a body (or query) bound to a DTO may hold: keys per object, elements per array, string
   * length, values in all, nesting. More is 413 `BODY_TOO_COMPLEX` (414 `QUERY_TOO_COMPLEX` for a
   * query). See docs/body-limits.md.
   */
  body?: BodyLimits = {};
  /**
   * Most milliseconds a request may take to arrive, headers and body (Node's `requestTimeout`):
   * past it, 408 and the connection closed. `0` leaves Node's setting alone.
   */
  requestTimeout?: number = 30_000;
  /**
   * Longest path parameter, in characters: longer is 414. Fastify's router has it as
   * `maxParamLength` (pass the same to `FastifyAdapter` if you change this).
   */
  maxParamLength?: number = 100;
}

/**
 * `success`: successes shaped where Nest hands them to the adapter: 204 for nothing, 404 for a
 * `null` GET, `@Created` / `created()` with `Location`, `@NoContent`. `false` leaves them to Nest.
 */
export class SuccessOptions {
  /** Build `Location` headers as absolute URLs (`http://host/api/users/42`) instead of paths. */
  absoluteLocations?: boolean = false;
  /**
   * What a DELETE of a resource that does not exist answers: `404` or `204` (the idempotent
   * style). Per route: `@DeleteMissing()`.
   */
  deleteMissing?: 404 | 204 = 404;
}

/**
 * `conditional`: strong `ETag`s, 304 on `If-None-Match` / `If-Modified-Since`, `If-Match` locking
 * on `@CurrentVersion()` routes. `false` leaves them out (and Express's own weak ETag on).
 */
export class ConditionalOptions {
  /**
   * How a body without a version of its own is hashed into its `ETag`: `'crc32'` (CRC-32 and the
   * length) or a `node:crypto` hash such as `'sha256'`. A name neither knows fails at start-up.
   */
  hash?: EtagHash = 'crc32';
  /**
   * Status of a failed precondition on a write: the guide's 409 `{ currentVersion }` or RFC
   * 9110's 412. `@CurrentVersion()` can override it.
   */
  preconditionFailedStatus?: 409 | 412 = 409;
  /** 428 to a write without a precondition on `@CurrentVersion()` routes (RFC 6585). */
  requirePreconditions?: boolean = false;
}

/** `pagination`: page sizes of `@Paginated()` routes; a route's own `@Paginated({ maxLimit })` wins. */
export class PaginationOptions implements PageLimits {
  /** `limit` when the query has none. */
  defaultLimit?: number = 20;
  /** The most a client may ask for; more is 422 naming `limit`. */
  maxLimit?: number = 100;
}

/**
 * Options of `StatusModule.forRoot()`, one member per concern. Every member is optional: an
 * object turns a part on, `false` turns it off, leaving it out gives the default shown.
 *
 * @example
 * StatusModule.forRoot({
 *   errors: { format: 'problem' },
 *   conditional: { preconditionFailedStatus: 412 },
 *   rateLimit: { throttler: { throttlers: [{ limit: 100, ttl: 60_000 }] } },
 * })
 */
export class StatusModuleOptions {
  /** The exception filter and the error body. On by default. */
  errors?: ErrorsOptions | false = {};
  /** The request id. Always on. */
  requestId?: RequestIdOptions = {};
  /** The validation pipe and the media-type check. On by default. */
  validation?: ValidationOptions | false = {};
  /** Request size and time limits. */
  limits?: LimitsOptions = {};
  /** Success statuses at the reply. On by default. */
  success?: SuccessOptions | false = {};
  /** Conditional requests. On by default. */
  conditional?: ConditionalOptions | false = {};
  /**
   * The auth guard: 401 before 403 before a hidden 404. On by default but inert until given an
   * `authenticator` or a route uses an auth decorator. See docs/auth.md.
   */
  auth?: AuthOptions | false = {};
  /** Rate limiting through `@nestjs/throttler` (an optional peer). Off unless given. */
  rateLimit?: RateLimitOptions | false = false;
  /** `@Async` jobs: the engine (memory, or BullMQ on Redis), admission, retries, bounds. */
  jobs?: JobsOptions = {};
  /** Page sizes of `@Paginated()` routes. */
  pagination?: PaginationOptions = {};
  /** Graceful shutdown of the HTTP server. On by default. See docs/shutdown.md. */
  shutdown?: ShutdownOptions | false = {};
}

/** A concern's options with every default filled in (functions may stay unset). */
type Resolved<T, Unset extends keyof T = never> = Readonly<
  Required<Omit<T, Unset>> & Pick<T, Unset>
>;

export type ResolvedErrorsOptions = Resolved<ErrorsOptions, 'docsUrl'>;
export type ResolvedRequestIdOptions = Resolved<RequestIdOptions, 'generate'>;
export type ResolvedValidationOptions = Resolved<ValidationOptions>;
export type ResolvedLimitsOptions = Readonly<{
  body: Readonly<Required<BodyLimits>>;
  requestTimeout: number;
  maxParamLength: number;
}>;
export type ResolvedSuccessOptions = Resolved<SuccessOptions>;
export type ResolvedConditionalOptions = Resolved<ConditionalOptions>;

/** What `@InjectStatusOptions()` gives: every concern resolved, `false` where a part is off. */
export interface ResolvedStatusOptions {
  readonly errors: ResolvedErrorsOptions | false;
  readonly requestId: ResolvedRequestIdOptions;
  readonly validation: ResolvedValidationOptions | false;
  readonly limits: ResolvedLimitsOptions;
  readonly success: ResolvedSuccessOptions | false;
  readonly conditional: ResolvedConditionalOptions | false;
  readonly auth: Readonly<AuthOptions> | false;
  readonly rateLimit: Readonly<RateLimitOptions> | false;
  readonly jobs: Readonly<ResolvedJobsOptions>;
  readonly pagination: Readonly<Required<PageLimits>>;
  readonly shutdown: Readonly<ResolvedShutdownOptions> | false;
}

/** The defaults of a concern that is switched off but whose settings the platform still reads. */
export const DEFAULT_ERRORS: ResolvedErrorsOptions = Object.freeze(
  withDefaults(ErrorsOptions, {}),
) as ResolvedErrorsOptions;

/** The conditional settings of a part switched off: read only where the defaults must stand in. */
export const DEFAULT_CONDITIONAL: ResolvedConditionalOptions = Object.freeze(
  withDefaults(ConditionalOptions, {}),
);

/** The error settings in force: the concern's, or its defaults when `errors: false`. */
export function errorSettings(options: ResolvedStatusOptions): ResolvedErrorsOptions {
  return options.errors === false ? DEFAULT_ERRORS : options.errors;
}

/** Whether `Location` headers are absolute URLs (`success.absoluteLocations`; paths when off). */
export function absoluteLocations(options: ResolvedStatusOptions): boolean {
  return options.success !== false && options.success.absoluteLocations;
}

/** Where each option of 0.1 went, so that an old option fails at start-up with its new place. */
export const MOVED_OPTIONS: Readonly<Record<string, string>> = Object.freeze({
  format: 'errors.format',
  docsUrl: 'errors.docsUrl',
  errorMappings: 'errors.mappings',
  authChallenge: 'errors.challenge',
  methodNotAllowed: 'errors.methodNotAllowed',
  filter: 'errors: false',
  requestIdHeader: 'requestId.header',
  generateRequestId: 'requestId.generate',
  mediaTypes: 'validation.mediaTypes',
  bodyLimits: 'limits.body',
  maxBodyDepth: 'limits.body.maxDepth',
  requestTimeout: 'limits.requestTimeout',
  maxParamLength: 'limits.maxParamLength',
  interceptor: 'success: false',
  absoluteLocations: 'success.absoluteLocations',
  deleteMissing: 'success.deleteMissing',
  etag: 'conditional: false',
  etagHash: 'conditional.hash',
  preconditionFailedStatus: 'conditional.preconditionFailedStatus',
  requirePreconditions: 'conditional.requirePreconditions',
});

/**
 * An option's value as the one rule reads it: `false` is off, `undefined` is the default, an
 * object is the concern's members over its defaults. Anything else fails at start-up.
 */
export function part<T extends object>(
  name: string,
  value: T | false | undefined,
  Defaults: new () => T,
  canBeOff: boolean,
): Required<T> | false {
  if (value === false && canBeOff) return false;
  return withDefaults(Defaults, checkedObject(name, (value ?? {}) as T, canBeOff));
}

/** A concern's value when it must be an object (or `false`, checked before): else it fails. */
export function checkedObject<T extends object>(name: string, value: T, canBeOff = false): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `StatusModule: ${name} takes an object${canBeOff ? ' or false' : ''}; got ${String(value)}.`,
    );
  }
  return value;
}
