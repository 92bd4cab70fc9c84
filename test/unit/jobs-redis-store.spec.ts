import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { JobRecord, RedisJobStore } from '../../lib';
import { describeWithRedis } from '../support/redis-server';

function record(jobId: string): JobRecord {
  return {
    jobId,
    status: 'succeeded',
    statusUrl: `/jobs/${jobId}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    deadline: '2026-01-01T00:05:00.000Z',
    requestId: 'req-1',
    resultUrl: '/reports/1',
  };
}

describeWithRedis('RedisJobStore on a real Redis', (server) => {
  let client: Redis;
  let keyPrefix: string;
  beforeAll(() => {
    client = new Redis(server().url);
  });
  beforeEach(() => {
    keyPrefix = `nestjs-status-test:${randomUUID()}:`;
  });
  afterAll(() => client.quit());

  it('saves a record under the key prefix with the TTL, and reads it back', async () => {
    const store = new RedisJobStore(client, { keyPrefix });
    await store.save(record('a'), 30_000);
    expect(await store.get('a')).toEqual(record('a'));
    const pttl = await client.pttl(`${keyPrefix}a`);
    expect(pttl).toBeGreaterThan(25_000);
    expect(pttl).toBeLessThanOrEqual(30_000);
  });

  it('answers undefined for an unknown job and for a key it did not write', async () => {
    const store = new RedisJobStore(client, { keyPrefix });
    expect(await store.get('missing')).toBeUndefined();
    await client.set(`${keyPrefix}garbage`, 'not json');
    expect(await store.get('garbage')).toBeUndefined();
  });

  it('lets Redis forget a record once its TTL has passed', async () => {
    const store = new RedisJobStore(client, { keyPrefix });
    await store.save(record('short'), 30);
    let read = await store.get('short');
    for (let i = 0; i < 100 && read !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      read = await store.get('short');
    }
    expect(read).toBeUndefined();
  });

  it('closes a client it made from a URL, and leaves a client it was given open', async () => {
    const own = RedisJobStore.connect(server().url, { keyPrefix });
    await own.save(record('o'), 10_000);
    await own.close();
    await expect(own.get('o')).rejects.toThrow();

    const given = RedisJobStore.connect(client, { keyPrefix });
    await given.close();
    expect(await client.ping()).toBe('PONG');
    expect(await given.get('o')).toEqual(record('o'));
  });
});
