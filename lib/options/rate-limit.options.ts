import type { ThrottlerModuleOptions } from '@nestjs/throttler';

/** Options of the rate limit (`StatusModule.forRoot({ rateLimit })`). See the README, "Rate limiting". */
export interface RateLimitOptions {
  /**
   * What `ThrottlerModule.forRoot()` takes (throttlers, storage, tracker, ...). Leave it out when the
   * app imports `ThrottlerModule.forRoot()` itself: the guard then uses that module's options and
   * storage.
   */
  throttler?: ThrottlerModuleOptions;
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
