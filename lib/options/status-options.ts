import type { Type } from '@nestjs/common';
import type { JobsOptions } from './jobs.options';
import type { AuthOptions } from './auth.options';
import type { RateLimitOptions } from './rate-limit.options';
import type { ShutdownOptions } from './shutdown.options';
import type { BodyLimits, EtagHash, PageLimits } from './limits.options';

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
 * Options of `StatusModule.forRoot()`. Every member is optional; the defaults below are what
 * `StatusModule.forRoot()` with no argument gives.
 */
export class StatusModuleOptions {
  /**
   * Body of every error: `'envelope'` is the guide's `{ error, message, code, details?,
   * requestId, docs? }`; `'problem'` is RFC 9457 `application/problem+json`.
   */
  format?: 'envelope' | 'problem' = 'envelope';
  /** Builds the `docs` link (envelope) or `type` URI (problem) of an error from its code. */
  docsUrl?: (code: string) => string | undefined = undefined;
  /** Header the request id is read from and written to. */
  requestIdHeader?: string = 'X-Request-Id';
  /** Makes a request id when the client sent none (or one that is not well formed). */
  generateRequestId?: () => string = undefined;
  /** Foreign errors to answer with a status of their own instead of a 500. */
  errorMappings?: ErrorMapping[] = [];
  /** The `WWW-Authenticate` challenge added to every 401 that has none. */
  authChallenge?: AuthChallengeOptions = {};
  /** Register the global exception filter (`APP_FILTER`). */
  filter?: boolean = true;
  /** Register the validation pipe (`APP_PIPE`): 400 for unparseable input, 422 for rule failures. */
  validation?: boolean = true;
  /**
   * Deepest nesting a JSON body may have; deeper is 413 `BODY_TOO_COMPLEX`. The same as
   * `bodyLimits.maxDepth`, which wins when both are set.
   */
  maxBodyDepth?: number = 32;
  /**
   * What a body (or query) bound to a DTO may hold: keys per object, elements per array, string
   * length, values in all, nesting. Checked in one pass before class-transformer; more is 413
   * `BODY_TOO_COMPLEX` (414 `QUERY_TOO_COMPLEX` for a query). See docs/body-limits.md.
   */
  bodyLimits?: BodyLimits = {};
  /**
   * Shape successes where Nest hands them to the adapter (`httpAdapter.reply`): request id, 204 for
   * an empty result, 404 for a `null` GET, `created()` and `@Created` with `Location`, the ETag.
   */
  interceptor?: boolean = true;
  /**
   * What a DELETE of a resource that does not exist answers app-wide: `404` (default) or `204`
   * (the idempotent style). The guide: choose one and be consistent. Per route: `@DeleteMissing()`.
   */
  deleteMissing?: 404 | 204 = 404;
  /** Build `Location` headers as absolute URLs (`http://host/api/users/42`) instead of paths. */
  absoluteLocations?: boolean = false;
  /** Answer a known path with the wrong method as 405 with `Allow` (instead of 404). */
  methodNotAllowed?: boolean = true;
  /**
   * Conditional requests: strong `ETag`s (hashed by the reply shaper, or from `@ETag`), 304 on
   * `If-None-Match` / `If-Modified-Since`, `If-Match` locking on `@CurrentVersion()` routes.
   * Also turns Express's own weak ETag off.
   */
  etag?: boolean = true;
  /**
   * How a body without a version of its own is hashed into its `ETag`: `'crc32'` (default: CRC-32
   * and the length, ~7 GB/s) or a `node:crypto` hash such as `'sha1'` or `'sha256'` (collision
   * resistant, ~2 GB/s). A name neither knows fails at start-up.
   */
  etagHash?: EtagHash = 'crc32';
  /**
   * Status of a failed `If-Match` / `If-Unmodified-Since` / `If-None-Match` on a write: the
   * guide's 409 `{ currentVersion }`, or RFC 9110's 412. `@CurrentVersion()` can override it.
   */
  preconditionFailedStatus?: 409 | 412 = 409;
  /**
   * Answer 428 Precondition Required to a write without a precondition on `@CurrentVersion()`
   * routes (lost-update protection, RFC 6585). `@CurrentVersion()` can override it.
   */
  requirePreconditions?: boolean = false;
  /** `@Async` jobs: the engine (memory, or BullMQ on Redis), admission, retries, bounds. */
  jobs?: JobsOptions = {};
  /**
   * The auth guard (`APP_GUARD`): 401 before 403 before hidden 404, never 403 to an anonymous
   * caller. Inert until given an `authenticator` or a route uses an auth decorator; `false` leaves
   * it out. See the README, "Authentication and authorization".
   */
  auth?: AuthOptions | false = {};
  /**
   * Rate limiting through `@nestjs/throttler` (`APP_GUARD`, before the auth guard): 429 in the
   * envelope with `Retry-After`, `X-RateLimit-*` on every limited response. Off unless set; `{}`
   * uses the app's own `ThrottlerModule`. See the README, "Rate limiting".
   */
  rateLimit?: RateLimitOptions | false = false;
  /**
   * Page sizes of `@Paginated()` routes: `limit` when the query has none (`defaultLimit`, 20)
   * and the most a client may ask for (`maxLimit`, 100; more is 422 naming `limit`). A route's
   * `@Paginated({ maxLimit })` wins over these.
   */
  pagination?: PageLimits = {};
  /**
   * Graceful shutdown of the HTTP server (`app.enableShutdownHooks()` for signals): from the start
   * of `app.close()`, 503 `SHUTTING_DOWN` + `Retry-After` to new requests, `Connection: close` on
   * those under way, idle connections closed, the rest destroyed after `drainMs` (10 s).
   * `false` leaves the server to Nest. See docs/shutdown.md.
   */
  shutdown?: ShutdownOptions | false = {};
  /**
   * Media types a request body may have; anything else (forms and multipart included, which a
   * browser posts cross-site without asking) is 415 before any parser reads it, on both adapters.
   * Add `'multipart/form-data'` or `'application/x-www-form-urlencoded'` to take them.
   */
  mediaTypes?: string[] = ['application/json'];
  /**
   * Most milliseconds a request may take to arrive, headers and body (Node's `requestTimeout`):
   * past it, 408 in the envelope and the connection closed. `0` leaves Node's setting alone.
   */
  requestTimeout?: number = 30_000;
  /**
   * Longest path parameter, in characters: longer is 414. Fastify's router has it as
   * `maxParamLength` (100 by default; pass the same to `FastifyAdapter` if you change this);
   * Express routes get this one.
   */
  maxParamLength?: number = 100;
}

/** The options with every default filled in. */
export type ResolvedStatusOptions = Required<
  Omit<StatusModuleOptions, 'docsUrl' | 'generateRequestId'>
> &
  Pick<StatusModuleOptions, 'docsUrl' | 'generateRequestId'>;

/**
 * Fills in the defaults: `{ ...new StatusModuleOptions(), ...options }`. Each concern checks its
 * own values at start-up (`StatusModule` calls `checkOptions`).
 */
export function resolveOptions(options: StatusModuleOptions = {}): ResolvedStatusOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...new StatusModuleOptions(), ...defined } as ResolvedStatusOptions;
}
