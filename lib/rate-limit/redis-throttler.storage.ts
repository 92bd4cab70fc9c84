import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';

/**
 * One fixed window per key and throttler, counted atomically: the counter and the block marker
 * share a hash tag, so the script also runs on Redis Cluster. Returns
 * `{ totalHits, msToExpire, blocked, msToBlockExpire }`.
 * A hit over the limit starts a block of `blockDuration` ms; the counter then lives as long as the
 * block, so the first request after it opens a fresh window (as the throttler's memory storage does).
 */
const INCREMENT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
  return { hits, blockTtl, 1, blockTtl }
end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits <= tonumber(ARGV[2]) then
  return { hits, ttl, 0, 0 }
end
local block = tonumber(ARGV[3])
if block <= 0 then
  return { hits, ttl, 1, ttl }
end
redis.call('SET', KEYS[2], '1', 'PX', block)
redis.call('PEXPIRE', KEYS[1], block)
return { hits, block, 1, block }
`;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Options of `RedisThrottlerStorage`. */
export interface RedisThrottlerStorageOptions {
  /** Prefix of every key. Default `throttler:`. */
  prefix?: string;
  /** `quit()` the client when the app shuts down. Default `false`: whoever made the client closes it. */
  quitOnShutdown?: boolean;
}

type WithIncrement = Redis & {
  nestjsStatusThrottle(
    hitsKey: string,
    blockKey: string,
    ttl: number,
    limit: number,
    blockDuration: number,
  ): Promise<[number, number, number, number]>;
};

/**
 * A `ThrottlerStorage` on Redis (ioredis), so that every instance of an app shares its counters.
 * One Lua script per hit: count, expire and block in one atomic step, no race between instances.
 * Written here because `@nest-lab/throttler-storage-redis` declares `@nestjs/common ^11` only.
 *
 * @example
 * StatusModule.forRoot({
 *   rateLimit: {
 *     throttler: {
 *       throttlers: [{ limit: 100, ttl: 60_000 }],
 *       storage: new RedisThrottlerStorage(new Redis(process.env.REDIS_URL), { quitOnShutdown: true }),
 *     },
 *   },
 * });
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly redis: WithIncrement;
  private readonly prefix: string;
  private quitting?: Promise<unknown>;

  constructor(
    redis: Redis,
    private readonly options: RedisThrottlerStorageOptions = {},
  ) {
    this.prefix = options.prefix ?? 'throttler:';
    if (typeof (redis as unknown as Partial<WithIncrement>).nestjsStatusThrottle !== 'function') {
      // EVALSHA, falling back to EVAL once per connection when the script is not cached.
      redis.defineCommand('nestjsStatusThrottle', { numberOfKeys: 2, lua: INCREMENT });
    }
    this.redis = redis as unknown as WithIncrement;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}{${key}}:${throttlerName}`;
    const [totalHits, msToExpire, blocked, msToBlockExpire] = await this.redis.nestjsStatusThrottle(
      `${base}:hits`,
      `${base}:block`,
      Math.max(1, Math.ceil(ttl)),
      limit,
      Math.ceil(blockDuration),
    );
    return {
      totalHits: Number(totalHits),
      timeToExpire: Math.ceil(Number(msToExpire) / 1000),
      isBlocked: Number(blocked) === 1,
      timeToBlockExpire: Math.ceil(Number(msToBlockExpire) / 1000),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.options.quitOnShutdown) return;
    this.quitting ??= this.redis.quit();
    await this.quitting;
  }
}
