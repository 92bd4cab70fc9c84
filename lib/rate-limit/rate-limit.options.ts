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
}
