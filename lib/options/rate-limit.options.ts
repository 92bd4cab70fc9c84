import type { ExecutionContext } from '@nestjs/common';

/** A number, or a function of the request's context that gives one (as `@nestjs/throttler` takes). */
export type ThrottlerValue = number | ((context: ExecutionContext) => number | Promise<number>);

/** What a client did against one throttler, as `@nestjs/throttler` hands it to `errorMessage`. */
export interface ThrottlerLimitInfo {
  limit: number;
  ttl: number;
  key: string;
  tracker: string;
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** The members a throttler and the module share, typed as `@nestjs/throttler` types them. */
interface ThrottlerHooks {
  /** Skip counting this request. */
  skipIf?: (context: ExecutionContext) => boolean;
  /** Who the client is (default: its IP). */
  getTracker?: (
    request: Record<string, any>,
    context: ExecutionContext,
  ) => string | Promise<string>;
  /** The storage key of a client on a route. */
  generateKey?: (context: ExecutionContext, tracker: string, throttlerName: string) => string;
  /** User agents never limited. */
  ignoreUserAgents?: RegExp[];
  /** Other members are accepted as they are. */
  [option: string]: any;
}

/**
 * One throttler of `@nestjs/throttler` (its `ThrottlerOptions`), typed here structurally:
 * `@nestjs/throttler` is an optional peer, and an app that does not use it must compile without
 * it. A `ThrottlerOptions` of the package fits as it is.
 */
export interface ThrottlerSettings extends ThrottlerHooks {
  /** Name of the throttler, when there are several (`default` otherwise). */
  name?: string;
  /** Most requests a client may make in `ttl`. */
  limit: ThrottlerValue;
  /** The window, in milliseconds. */
  ttl: ThrottlerValue;
  /** How long a client over the limit stays blocked (ms). Default: `ttl`. */
  blockDuration?: ThrottlerValue;
}

/**
 * What `ThrottlerModule.forRoot()` takes (`ThrottlerModuleOptions`): a list of throttlers, or the
 * list with module-wide members. A `ThrottlerModuleOptions` of the package fits as it is.
 */
export type ThrottlerModuleSettings =
  | readonly ThrottlerSettings[]
  | (ThrottlerHooks & {
      throttlers: readonly ThrottlerSettings[];
      /** A `ThrottlerStorage`, e.g. `RedisThrottlerStorage` from `nestjs-status/redis`. */
      storage?: object;
      /** The message of the 429. */
      errorMessage?: string | ((context: ExecutionContext, detail: ThrottlerLimitInfo) => string);
    });

/** Options of the rate limit (`StatusModule.forRoot({ rateLimit })`). See the README, "Rate limiting". */
export interface RateLimitOptions {
  /**
   * What `ThrottlerModule.forRoot()` takes (throttlers, storage, tracker, ...). Leave it out when the
   * app imports `ThrottlerModule.forRoot()` itself: the guard then uses that module's options and
   * storage.
   */
  throttler?: ThrottlerModuleSettings;
  /**
   * `X-RateLimit-Reset` as the Unix time in seconds when the window resets (`'epoch'`, the guide's,
   * default) or as the seconds left until then (`'seconds'`).
   */
  resetFormat?: 'epoch' | 'seconds';
  /** Also send the IETF `RateLimit` and `RateLimit-Policy` headers (draft-ietf-httpapi-ratelimit-headers-10). Default `false`. */
  ietfHeaders?: boolean;
  /**
   * What happens while the storage cannot count (Redis down, paused, slower than
   * `storageTimeout`): `'allow'` (default, fail open) serves the request uncounted, with
   * `X-RateLimit-Status: unavailable` and no `X-RateLimit-*`; `'refuse'` answers 503 with
   * `Retry-After`. Either way the outage is logged once, and counting resumes by itself.
   */
  whenUnavailable?: 'allow' | 'refuse';
  /** Milliseconds a count may take before the storage is taken as unavailable. Default 500. */
  storageTimeout?: number;
  /** `Retry-After` seconds of the 503 under `whenUnavailable: 'refuse'`. Default 1. */
  unavailableRetryAfter?: number;
}
