import Redis from 'ioredis';
import request from 'supertest';
import { REQUEST_ID } from '../support/http-app';
import { redisOrSkip, RunningRedis, startRedis } from '../support/redis-server';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

describe.each(SAMPLE_ADAPTERS)('sample rate limit on %s', (adapter) => {
  let sample: RunningSample;
  beforeAll(async () => {
    sample = await startSample(adapter, { rateLimit: 3, rateLimitWindow: 60 });
  });
  afterAll(() => sample.close());

  it('one budget per client over every /api route: N succeed, N+1 is 429 with the headers', async () => {
    const http = request(sample.url);
    const answers = [
      await http.get('/api/users/1'),
      await http.get('/api/repos/1'), // a 401 counts too, and carries the headers
      await http.post('/api/auth/token').send({}),
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 401, 422]);
    expect(answers.map((res) => res.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0']);
    for (const res of answers) {
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    }
    const limited = await http.get('/api/profile');
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({
      error: 'Too Many Requests',
      message: `Rate limit exceeded. Please retry after ${retryAfter} seconds.`,
      code: 'RATE_LIMIT_EXCEEDED',
      retryAfter,
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(limited.headers['x-ratelimit-limit']).toBe('3');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(
      Math.floor(Date.now() / 1000) + retryAfter,
    );
  });
});

describe.each(SAMPLE_ADAPTERS)('sample rate limit at the door on %s', (adapter) => {
  let sample: RunningSample;
  beforeAll(async () => {
    sample = await startSample(adapter, { rateLimit: 3, rateLimitWindow: 60 });
  });
  afterAll(() => sample.close());

  it('requests refused before any route runs count; over the limit each is 429 first', async () => {
    const http = request(sample.url);
    const malformedJson = () =>
      http.post('/api/users').set('Content-Type', 'application/json').send('{"name":');
    const refused = [
      await malformedJson(),
      await http.get('/api/nowhere'),
      await http.delete('/api/users'),
    ];
    expect(refused.map((res) => res.status)).toEqual([400, 404, 405]);
    expect(refused.map((res) => res.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0']);
    const overLimit = {
      'malformed JSON': await malformedJson(),
      'a text/plain body': await http
        .post('/api/users')
        .set('Content-Type', 'text/plain')
        .send('name=Ann'),
      'a 2 MiB body': await http
        .put('/api/documents/8')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ title: 'Huge', body: 'x'.repeat(2 * 1024 * 1024) })),
      'an unknown path': await http.get('/api/nowhere'),
      'a wrong method': await http.delete('/api/users'),
    };
    for (const [name, res] of Object.entries(overLimit)) {
      const retryAfter = Number(res.headers['retry-after']);
      expect({ name, status: res.status }).toEqual({ name, status: 429 });
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.body).toEqual({
        error: 'Too Many Requests',
        message: `Rate limit exceeded. Please retry after ${retryAfter} seconds.`,
        code: 'RATE_LIMIT_EXCEEDED',
        retryAfter,
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      expect(res.headers['x-ratelimit-remaining']).toBe('0');
    }
  });
});

redisOrSkip()('sample instances sharing REDIS_URL', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
    // The sample's own key space, in case REDIS_URL points at a Redis used before.
    const client = new Redis(redis.url);
    const keys = await client.keys('sample:throttler:*');
    if (keys.length > 0) await client.del(...keys);
    await client.quit();
  });
  afterAll(() => redis?.stop());

  it('an Express and a Fastify instance exhaust one budget together', async () => {
    const limit = 4;
    const instances = await Promise.all(
      SAMPLE_ADAPTERS.map((adapter) =>
        startSample(adapter, { rateLimit: limit, rateLimitWindow: 60, redisUrl: redis.url }),
      ),
    );
    try {
      for (let n = 1; n <= limit; n++) {
        const res = await request(instances[n % 2].url).get('/api/users/1');
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-remaining']).toBe(String(limit - n));
      }
      for (const instance of instances) {
        expect((await request(instance.url).get('/api/users/1')).status).toBe(429);
      }
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  });
});
