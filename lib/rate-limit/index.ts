// `nestjs-status/rate-limit`: 429 with `Retry-After` and `X-RateLimit-*`, through
// `@nestjs/throttler`, an optional peer (`npm i @nestjs/throttler`), loaded only when
// `rateLimit` is on. Its types here do not need it.

/** The options of `StatusModule.forRoot({ rateLimit })`. */
export type {
  RateLimitOptions,
  ThrottlerLimitInfo,
  ThrottlerModuleSettings,
  ThrottlerSettings,
  ThrottlerValue,
} from '../options/rate-limit.options';

/** The class every request no route matches is counted under (for `skipIf`, keys). */
export { UnmatchedRequests } from './unmatched-requests';
