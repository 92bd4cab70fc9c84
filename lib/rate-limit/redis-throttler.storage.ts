import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import type { OutageLog } from '../platform/outage-log';
import { resilientRedis, ResilientRedis, RedisSource } from '../platform/redis-client';

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
  /**
   * `quit()` the client when the app shuts down. Default: `true` for a client made here (from a URL
   * or options), `false` for a client you pass (whoever made the client closes it).
   */
  quitOnShutdown?: boolean;
  /**
   * Milliseconds a count may take before it fails, on a client made here (ioredis
   * `commandTimeout`). Default 500. The rate limit's `whenUnavailable` says what happens then.
   */
  commandTimeout?: number;
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
 * Given a URL or ioredis options, it makes a client that never makes a request wait on Redis
 * (500 ms command timeout, no offline queue, reconnecting in the background); a client you pass
 * keeps its settings. Either way, outages are logged once each (see docs/when-things-fail.md).
 *
 * @example
 * StatusModule.forRoot({
 *   rateLimit: {
 *     throttler: {
 *       throttlers: [{ limit: 100, ttl: 60_000 }],
 *       storage: new RedisThrottlerStorage(process.env.REDIS_URL!),
 *     },
 *   },
 * });
 */
export class RedisThrottlerStorage
  implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown
{
  private readonly redis: WithIncrement;
  private readonly connection: ResilientRedis;
  private readonly prefix: string;
  private quitting?: Promise<unknown>;

  constructor(
    source: RedisSource,
    private readonly options: RedisThrottlerStorageOptions = {},
  ) {
    this.prefix = options.prefix ?? 'throttler:';
    this.connection = resilientRedis(source, {
      name: 'rate limit',
      feature: 'RedisThrottlerStorage',
      commandTimeout: options.commandTimeout,
    });
    const redis = this.connection.client;
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

  /** The log of this client's outages, which the rate limit's unavailability policy shares. */
  get outage(): OutageLog {
    return this.connection.outage;
  }

  /** Waits (briefly) for the first connection, so the first requests do not find it missing. */
  async onModuleInit(): Promise<void> {
    await this.connection.firstConnection();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!(this.options.quitOnShutdown ?? this.connection.owned)) return;
    const { client } = this.connection;
    this.quitting ??=
      client.status === 'ready'
        ? client.quit().catch(() => client.disconnect())
        : Promise.resolve(client.disconnect());
    await this.quitting;
  }
}
