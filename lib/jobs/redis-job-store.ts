import { Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import type { JobRecord } from './job-record';
import type { JobStore } from './job-store';

const logger = new Logger('StatusModule');

/** How to reach Redis: a `redis://` URL, ioredis options, or a client of yours (left open). */
export type RedisConnection = string | RedisOptions | Redis;

/** Options of `RedisJobStore`. */
export interface RedisJobStoreOptions {
  /** Prefix of every key; several apps can share one Redis with different prefixes. */
  keyPrefix?: string;
}

/**
 * A `JobStore` in Redis (ioredis): one string key per job, `SET ... PX ttl`, so Redis itself
 * forgets finished jobs. Every instance of the app pointed at the same Redis answers the same
 * status for the same job.
 *
 * @example
 * StatusModule.forRoot({ jobs: { redis: process.env.REDIS_URL } });
 * // or, sharing a client you already have (you close it):
 * StatusModule.forRoot({ jobs: { store: new RedisJobStore(redisClient, { keyPrefix: 'app:job:' }) } });
 */
export class RedisJobStore implements JobStore {
  private readonly keyPrefix: string;

  /** `owned`: the store made the client, so `close()` quits it. */
  constructor(
    private readonly client: Redis,
    options: RedisJobStoreOptions = {},
    private readonly owned = false,
  ) {
    this.keyPrefix = options.keyPrefix ?? 'nestjs-status:job:';
  }

  /**
   * A store on a client made from a URL or options, or on a client you pass (which `close()`
   * then leaves open). ioredis is an optional peer dependency, loaded only here.
   */
  static connect(connection: RedisConnection, options: RedisJobStoreOptions = {}): RedisJobStore {
    if (isClient(connection)) return new RedisJobStore(connection, options, false);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
    const client =
      typeof connection === 'string' ? new RedisClient(connection) : new RedisClient(connection);
    // ioredis reconnects by itself; say so once per outage rather than once per attempt.
    let down = false;
    client.on('error', (error: Error) => {
      if (!down) logger.error(`Redis (job store) is unreachable: ${error.message}`);
      down = true;
    });
    client.on('ready', () => (down = false));
    return new RedisJobStore(client, options, true);
  }

  async save(record: JobRecord, ttlMs: number): Promise<void> {
    const ms = Math.max(1, Math.ceil(ttlMs));
    await this.client.set(this.keyPrefix + record.jobId, JSON.stringify(record), 'PX', ms);
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const json = await this.client.get(this.keyPrefix + jobId);
    if (json === null) return undefined;
    try {
      return JSON.parse(json) as JobRecord;
    } catch {
      return undefined; // not ours: a key under our prefix written by something else
    }
  }

  async close(): Promise<void> {
    if (this.owned) await this.client.quit().catch(() => this.client.disconnect());
  }
}

function isClient(connection: RedisConnection): connection is Redis {
  const candidate = connection as Partial<Redis>;
  return typeof candidate.get === 'function' && typeof candidate.set === 'function';
}
