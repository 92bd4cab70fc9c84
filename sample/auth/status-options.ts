import { AuthOptions } from '../../lib';
import { RateLimitOptions } from '../../lib/rate-limit';
import { RedisThrottlerStorage } from '../../lib/redis';
import type { SampleConfig } from '../config/sample-config';
import { JwtAuthenticator } from './jwt.authenticator';

/**
 * Who may ask. Most of the sample's routes are open to anyone (sample-api.md), so routes are
 * public unless they say otherwise (`@Authenticated()`, `@Roles()`); an app whose routes are
 * mostly private keeps the library's default, `'authenticated'`, and marks the open ones `@Public()`.
 */
export const sampleAuth: AuthOptions = {
  authenticator: JwtAuthenticator,
  defaultAccess: 'public',
};

/**
 * `RATE_LIMIT` requests per `RATE_LIMIT_WINDOW` seconds per client (by IP) over the whole API,
 * counted in Redis when `REDIS_URL` is set (every instance shares the budget), else in memory.
 * While Redis is unavailable requests are served uncounted (the library's default, fail open).
 */
export function sampleRateLimit(config: SampleConfig): RateLimitOptions {
  return {
    throttler: {
      throttlers: [{ limit: config.rateLimit, ttl: config.rateLimitWindow * 1000 }],
      // One budget per client, not one per route (throttler's default key names the handler).
      generateKey: (_context, tracker, name) => `${name}:${tracker}`,
      storage: config.redisUrl
        ? new RedisThrottlerStorage(config.redisUrl, { prefix: 'sample:throttler:' })
        : undefined,
    },
  };
}
