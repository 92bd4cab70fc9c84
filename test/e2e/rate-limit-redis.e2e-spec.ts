import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { RedisThrottlerStorage } from '../../lib/redis';
import { ADAPTERS, RunningApp, startApp } from '../support/http-app';
import { redisOrSkip, RunningRedis, startRedis } from '../support/redis-server';
import { LimitedController } from './fixtures/rate-limit.fixture';

const LIMIT = 6;

redisOrSkip()('rate limit counters shared through a real Redis', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  /** One instance of the app, with its own connection, counting under `prefix`. */
  function instance(makeAdapter: (typeof ADAPTERS)[number][1], prefix: string, ttl = 60_000) {
    const storage = new RedisThrottlerStorage(new Redis(redis.url), {
      prefix,
      quitOnShutdown: true,
    });
    return startApp(
      {
        imports: [
          StatusModule.forRoot({
            rateLimit: { throttler: { throttlers: [{ limit: LIMIT, ttl }], storage } },
          }),
        ],
        controllers: [LimitedController],
      },
      makeAdapter,
    );
  }

  describe.each(ADAPTERS)('two %s instances', (_name, makeAdapter) => {
    let apps: RunningApp[];
    beforeEach(async () => {
      const prefix = `test:${randomUUID()}:`;
      apps = [await instance(makeAdapter, prefix), await instance(makeAdapter, prefix)];
    });
    afterEach(() => Promise.all(apps.map((app) => app.close())));

    it('N requests spread over both exhaust the limit together', async () => {
      for (let n = 1; n <= LIMIT; n++) {
        const res = await request(apps[n % 2].url).get('/limited');
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - n));
      }
      for (const app of apps) {
        const res = await request(app.url).get('/limited');
        expect(res.status).toBe(429);
        expect(res.body.code).toBe('RATE_LIMIT_EXCEEDED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.headers['x-ratelimit-remaining']).toBe('0');
      }
    });

    it('counts atomically: of 3N concurrent requests over both, exactly N get through', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 3 * LIMIT }, (_, i) =>
          request(apps[i % 2].url)
            .get('/limited')
            .then((res) => res.status),
        ),
      );
      expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2 * LIMIT);
    });
  });

  it('an Express and a Fastify instance share one budget', async () => {
    const prefix = `test:${randomUUID()}:`;
    const apps = [await instance(ADAPTERS[0][1], prefix), await instance(ADAPTERS[1][1], prefix)];
    try {
      for (let n = 1; n <= LIMIT; n++) {
        expect((await request(apps[n % 2].url).get('/limited')).status).toBe(200);
      }
      expect((await request(apps[0].url).get('/limited')).status).toBe(429);
      expect((await request(apps[1].url).get('/limited')).status).toBe(429);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it('a window ends: after Retry-After the client gets through again', async () => {
    const prefix = `test:${randomUUID()}:`;
    const app = await instance(ADAPTERS[0][1], prefix, 1000);
    try {
      for (let n = 1; n <= LIMIT; n++) await request(app.url).get('/limited');
      const limited = await request(app.url).get('/limited');
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers['retry-after']);
      expect(retryAfter).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 50));
      const again = await request(app.url).get('/limited');
      expect(again.status).toBe(200);
      expect(again.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
    } finally {
      await app.close();
    }
  });
});
