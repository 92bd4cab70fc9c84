import type { Redis, RedisOptions } from 'ioredis';
import { OutageLog } from './outage-log';
import { requireOptionalPeer } from './optional-peer';

/**
 * How to reach Redis: a `redis://` URL, ioredis options (yours win over the bounded defaults), or
 * a client of yours (left open, its settings untouched).
 */
export type RedisSource = string | RedisOptions | Redis;

/** Options of `resilientRedis`. */
export interface ResilientRedisOptions {
  /** Who uses the connection, for the log lines: `rate limit`, `jobs`. */
  name: string;
  /** What needs ioredis, for the one line when it is not installed. Default: `name`. */
  feature?: string;
  /**
   * Milliseconds a command may take before it fails (ioredis `commandTimeout`) on a client made
   * here. Default 500. A client you pass keeps its own settings.
   */
  commandTimeout?: number;
  /**
   * ioredis options that win over the bounded ones, for a connection that must differ (BullMQ's
   * blocking worker connection wants `maxRetriesPerRequest: null` and no `commandTimeout`).
   */
  overrides?: RedisOptions;
}

/** A Redis client with bounded waits, and the log of its outages. */
export interface ResilientRedis {
  client: Redis;
  /** Told of every outage of this client, whoever notices it (the client's events, a timed-out call). */
  outage: OutageLog;
  /** Whether the client was made here (and so is closed by `close()`). */
  owned: boolean;
  /**
   * Resolves once the first connection is made or has failed (at most `ms`), so a request right
   * after start-up finds the client ready rather than failing for want of a connection.
   */
  firstConnection(ms?: number): Promise<void>;
  /** Quits a client made here (at once if it is not connected); leaves yours open. */
  close(): Promise<void>;
}

/** Default `commandTimeout`: a Redis that takes longer is taken as unavailable. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT = 500;

/** Longest pause between reconnect attempts: a Redis that comes back is found within it. */
const MAX_RECONNECT_DELAY = 2000;

const wrapped = new WeakMap<Redis, ResilientRedis>();

/**
 * The library's Redis clients, made or wrapped in one place. A client made here (from a URL or
 * ioredis options) fails fast instead of waiting: every command times out after `commandTimeout`,
 * a command sent while disconnected fails at once (no offline queue, no retries per request), and
 * the client keeps reconnecting in the background. Made or yours, the client gets an `error`
 * listener (never ioredis's "Unhandled error event" with a stack) and its outages are logged
 * through an `OutageLog`: one warning when Redis goes (one clear line at start-up), one line when
 * it is back. ioredis is an optional peer dependency, loaded only here.
 *
 * @example
 * const { client, outage, close } = resilientRedis(process.env.REDIS_URL, { name: 'jobs' });
 */
export function resilientRedis(
  source: RedisSource,
  options: ResilientRedisOptions,
): ResilientRedis {
  if (isClient(source)) {
    const known = wrapped.get(source);
    if (known) return known;
    return watch(source, options.name, false);
  }
  const { Redis: RedisClient } = requireOptionalPeer<typeof import('ioredis')>(
    'ioredis',
    options.feature ?? options.name,
  );
  const bounded: RedisOptions = {
    commandTimeout: options.commandTimeout ?? DEFAULT_REDIS_COMMAND_TIMEOUT,
    enableOfflineQueue: false,
    // A command caught by a dropped connection fails with it, rather than waiting for the next.
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY),
  };
  // Ours, then what you said in ioredis options, then what the caller must have.
  const client =
    typeof source === 'string'
      ? new RedisClient(source, { ...bounded, ...options.overrides })
      : new RedisClient({ ...bounded, ...source, ...options.overrides });
  return watch(client, options.name, true);
}

function watch(client: Redis, name: string, owned: boolean): ResilientRedis {
  const { host, port, path } = client.options;
  // Never the URL: it may hold a password.
  const outage = new OutageLog(`Redis (${name}) at ${path ?? `${host}:${port}`}`);
  // A lazy client of yours connects on its first command: nothing to wait for at start-up.
  let settled = client.status === 'ready' || client.status === 'wait';
  const settle = () => (settled = true);
  client.on('error', (error: Error) => {
    settle();
    outage.down(error.message);
  });
  client.on('close', () => {
    // Closed by us or by the user: not an outage.
    if (client.status !== 'end') outage.down('connection lost');
  });
  client.on('ready', () => {
    settle();
    outage.up();
  });
  if (client.status === 'ready') outage.up();
  const connection: ResilientRedis = {
    client,
    outage,
    owned,
    firstConnection: (ms = 2000) =>
      settled
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              client.off('ready', done);
              client.off('error', done);
              resolve();
            };
            const timer = setTimeout(done, ms);
            client.once('ready', done);
            client.once('error', done);
          }),
    close: async () => {
      if (!owned) return;
      if (client.status !== 'ready') return client.disconnect();
      await client.quit().catch(() => client.disconnect());
    },
  };
  wrapped.set(client, connection);
  return connection;
}

function isClient(source: RedisSource): source is Redis {
  const candidate = source as Partial<Redis>;
  return typeof candidate === 'object' && typeof candidate.sendCommand === 'function';
}
