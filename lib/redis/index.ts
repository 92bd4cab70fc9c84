// `nestjs-status/redis`: what runs on Redis through ioredis, an optional peer (`npm i ioredis`).
// Its types name ioredis's and `@nestjs/throttler`'s: import it only where both are installed.

/** A `ThrottlerStorage` on Redis, so every instance of an app shares its rate-limit counters. */
export { RedisThrottlerStorage } from '../rate-limit/redis-throttler.storage';
export type { RedisThrottlerStorageOptions } from '../rate-limit/redis-throttler.storage';
export type { RedisSource } from '../platform/redis-client';
