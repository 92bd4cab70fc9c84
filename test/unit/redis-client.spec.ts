import { Redis } from 'ioredis';
import { resilientRedis } from '../../lib/platform/redis-client';
import { captureLogs, CapturedLogs } from '../support/captured-logs';

/** ioredis's own way of emitting an error: `console.error` with a stack when nobody listens. */
function emitLikeIoredis(client: Redis, error: Error): void {
  (client as unknown as { silentEmit(event: string, arg: unknown): void }).silentEmit(
    'error',
    error,
  );
}

describe('resilientRedis', () => {
  let logs: CapturedLogs;
  const clients: Redis[] = [];
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => {
    logs.restore();
    for (const client of clients.splice(0)) client.disconnect();
  });

  it('makes a client with bounded waits that keeps reconnecting', () => {
    const { client, owned } = resilientRedis(
      { host: '127.0.0.1', port: 1, lazyConnect: true },
      { name: 'test', commandTimeout: 250 },
    );
    clients.push(client);
    expect(owned).toBe(true);
    expect(client.options.commandTimeout).toBe(250);
    expect(client.options.enableOfflineQueue).toBe(false);
    expect(client.options.maxRetriesPerRequest).toBe(0);
    expect(client.options.lazyConnect).toBe(true);
    const retry = client.options.retryStrategy!;
    expect([1, 5, 100, 10_000].map((attempt) => retry(attempt))).toEqual([100, 500, 2000, 2000]);
    const fromUrl = resilientRedis('redis://127.0.0.1:1', { name: 'test' }).client;
    clients.push(fromUrl);
    expect(fromUrl.options.commandTimeout).toBe(500);
    // Your ioredis options win over the defaults, the caller's overrides over both.
    const worker = resilientRedis(
      { port: 1, lazyConnect: true, commandTimeout: 900, maxRetriesPerRequest: 3 },
      { name: 'jobs', overrides: { maxRetriesPerRequest: null } },
    ).client;
    clients.push(worker);
    expect(worker.options.commandTimeout).toBe(900);
    expect(worker.options.maxRetriesPerRequest).toBeNull();
    expect(worker.options.enableOfflineQueue).toBe(false);
  });

  it.each([
    ['made here', () => resilientRedis({ port: 1, lazyConnect: true }, { name: 'jobs' })],
    ['yours', () => resilientRedis(new Redis({ port: 1, lazyConnect: true }), { name: 'jobs' })],
  ])(
    'a client %s: errors are listened to, one warning per outage without a stack, one line when back',
    (_name, make) => {
      const { client, outage } = make();
      clients.push(client);
      for (let i = 0; i < 5; i++) emitLikeIoredis(client, new Error('connect ECONNREFUSED'));
      expect(logs.console).toEqual([]);
      expect(logs.warn).toEqual([
        'Redis (jobs) at localhost:1 is unavailable at start-up (connect ECONNREFUSED): the app ' +
          'starts without it and connects when it comes; retrying in the background.',
      ]);
      client.emit('ready');
      client.emit('ready');
      expect(logs.log).toEqual(['Redis (jobs) at localhost:1 is available again.']);
      expect(outage.isDown).toBe(false);
      for (let i = 0; i < 3; i++) emitLikeIoredis(client, new Error('read ECONNRESET'));
      expect(logs.warn).toHaveLength(2);
      expect(logs.warn[1]).toBe(
        'Redis (jobs) at localhost:1 is unavailable (read ECONNRESET): retrying in the background.',
      );
      expect(logs.error).toEqual([]);
    },
  );

  it('wraps a client once: two users of it share one outage log', () => {
    const client = new Redis({ port: 1, lazyConnect: true });
    clients.push(client);
    const first = resilientRedis(client, { name: 'rate limit' });
    expect(resilientRedis(client, { name: 'rate limit' })).toBe(first);
    expect(first.owned).toBe(false);
  });
});
