import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { AbstractHttpAdapter } from '@nestjs/core';
import Redis from 'ioredis';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { RedisThrottlerStorage } from '../../lib/redis';
import { UnmatchedRequests } from '../../lib/rate-limit';
import type { RateLimitOptions } from '../../lib/rate-limit';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import { redisOrSkip, RunningRedis, startRedis } from '../support/redis-server';
import { DoorController, OpenDoorController } from './fixtures/rate-limit-door.fixture';
import { LimitedController } from './fixtures/rate-limit.fixture';

const LIMIT = 3;
const TWO_MIB = 'x'.repeat(2 * 1024 * 1024);

function appWith(
  throttler: NonNullable<RateLimitOptions['throttler']>,
  whenUnavailable?: RateLimitOptions['whenUnavailable'],
) {
  return {
    imports: [StatusModule.forRoot({ rateLimit: { throttler, whenUnavailable } })],
    controllers: [DoorController, OpenDoorController, LimitedController],
  };
}
const memory = (limit = LIMIT) => ({ throttlers: [{ limit, ttl: 60_000 }] });

type Http = ReturnType<typeof request>;

/** The requests refused before any guard runs, each by name, on the route `/door/notes`. */
const refusedEarly = {
  'malformed JSON': (http: Http) =>
    http.post('/door/notes').set('Content-Type', 'application/json').send('{"title":'),
  'a text/plain body': (http: Http) =>
    http.post('/door/notes').set('Content-Type', 'text/plain').send('hello'),
  'a 2 MiB body': (http: Http) =>
    http.post('/door/notes').set('Content-Type', 'application/json').send(`"${TWO_MIB}"`),
};

/** The 429 of the guide: envelope, `Retry-After`, the rate-limit headers with nothing left. */
function expectTooManyRequests(res: request.Response, limit = LIMIT): void {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body).toEqual({
    error: 'Too Many Requests',
    message: `Rate limit exceeded. Please retry after ${retryAfter} seconds.`,
    code: 'RATE_LIMIT_EXCEEDED',
    retryAfter,
    requestId: expect.stringMatching(REQUEST_ID),
  });
  expect(res.headers['x-ratelimit-limit']).toBe(String(limit));
  expect(res.headers['x-ratelimit-remaining']).toBe('0');
  expect(res.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
}

/**
 * Sends only the head of a POST announcing a body, never the body, and resolves with the status
 * line of the answer: an answer can only come from something that does not wait for the body.
 */
function headOnly(url: string, path: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer within 5 s: the server waited for the body'));
    }, 5000);
    socket.on('connect', () =>
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 1048576\r\n\r\n{',
      ),
    );
    socket.on('data', (chunk) => {
      received += String(chunk);
      if (!received.includes('\r\n')) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(received.slice(0, received.indexOf('\r\n')));
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe.each(ADAPTERS)('rate limit at the door on %s', (_name, makeAdapter) => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  async function start(throttler: NonNullable<RateLimitOptions['throttler']> = memory()) {
    running = await startApp(appWith(throttler), makeAdapter);
    return request(running.url);
  }

  it('requests refused before the guard count, once each, and carry the headers', async () => {
    const http = await start();
    const malformed = await refusedEarly['malformed JSON'](http);
    expect(malformed.status).toBe(400);
    expect(malformed.headers['x-ratelimit-remaining']).toBe('2');
    const plain = await refusedEarly['a text/plain body'](http);
    expect(plain.status).toBe(415);
    expect(plain.headers['x-ratelimit-remaining']).toBe('1');
    // The allowed request that follows sees both: exactly one each, not two.
    const allowed = await http.post('/door/notes').send({ title: 'ok' });
    expect(allowed.status).toBe(201);
    expect(allowed.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(allowed.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('a body over the size limit counts too (413 with the headers)', async () => {
    const http = await start();
    const huge = await refusedEarly['a 2 MiB body'](http);
    expect(huge.status).toBe(413);
    expect(huge.headers['x-ratelimit-remaining']).toBe('2');
    const allowed = await http.post('/door/notes').send({ title: 'ok' });
    expect(allowed.headers['x-ratelimit-remaining']).toBe('1');
  });

  it('over the limit, every request is 429 before its body is looked at', async () => {
    const http = await start();
    for (let n = 0; n < LIMIT; n++) {
      expect((await http.post('/door/notes').send({ title: 'ok' })).status).toBe(201);
    }
    for (const [name, send] of Object.entries(refusedEarly)) {
      const res = await send(http);
      expect({ name, status: res.status }).toEqual({ name, status: 429 });
      expectTooManyRequests(res);
    }
    expectTooManyRequests(await http.post('/door/notes').send({ title: 'ok' }));
    // Answered without waiting for a body announced and never sent.
    expect(await headOnly(running!.url, '/door/notes')).toBe('HTTP/1.1 429 Too Many Requests');
  });

  it('unknown paths and wrong methods count under the default limit, as one route of their own', async () => {
    const http = await start();
    const unknown = await http.get('/nowhere');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['x-ratelimit-limit']).toBe(String(LIMIT));
    expect(unknown.headers['x-ratelimit-remaining']).toBe('2');
    const wrongMethod = await http.delete('/door/notes');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers['x-ratelimit-remaining']).toBe('1');
    expect((await http.get('/nowhere/else')).headers['x-ratelimit-remaining']).toBe('0');
    expectTooManyRequests(await http.get('/nowhere'));
    expectTooManyRequests(await http.delete('/door/notes'));
    expectTooManyRequests(await http.post('/nowhere').set('Content-Type', 'text/plain').send('x'));
    // The routes keep their own budgets (the throttler's keys name the route).
    const route = await http.get('/door/notes/1');
    expect(route.status).toBe(200);
    expect(route.headers['x-ratelimit-remaining']).toBe('2');
  });

  it('skipIf can tell unmatched requests by their class (UnmatchedRequests)', async () => {
    const http = await start({
      ...memory(1),
      skipIf: (context) => context.getClass() === UnmatchedRequests,
    });
    for (let n = 0; n < 3; n++) {
      const res = await http.get('/nowhere');
      expect(res.status).toBe(404);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
    expect((await http.get('/door/notes/1')).headers['x-ratelimit-remaining']).toBe('0');
    expectTooManyRequests(await http.get('/door/notes/1'), 1);
  });

  it("a route's @Throttle override applies at the door", async () => {
    const http = await start();
    const first = await http.post('/door/strict').set('Content-Type', 'text/plain').send('x');
    expect(first.status).toBe(415);
    expect(first.headers['x-ratelimit-limit']).toBe('1');
    expect(first.headers['x-ratelimit-remaining']).toBe('0');
    const second = await http
      .post('/door/strict')
      .set('Content-Type', 'application/json')
      .send('{');
    expectTooManyRequests(second, 1);
  });

  it('a class-level @SkipThrottle is honoured at the door: not counted, no headers', async () => {
    const http = await start(memory(1));
    for (let n = 0; n < 3; n++) {
      const res = await http.post('/door/open').set('Content-Type', 'application/json').send('{');
      expect(res.status).toBe(400);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('named throttlers count once each at the door; the tightest speaks', async () => {
    const http = await start({
      throttlers: [
        { name: 'short', limit: 2, ttl: 60_000 },
        { name: 'long', limit: 5, ttl: 120_000 },
      ],
    });
    const malformed = await refusedEarly['malformed JSON'](http);
    expect(malformed.status).toBe(400);
    expect(malformed.headers['x-ratelimit-limit']).toBe('2');
    expect(malformed.headers['x-ratelimit-remaining']).toBe('1');
    const allowed = await http.post('/door/notes').send({ title: 'ok' });
    expect(allowed.status).toBe(201);
    expect(allowed.headers['x-ratelimit-remaining']).toBe('0');
    expectTooManyRequests(await refusedEarly['a text/plain body'](http), 2);
  });

  it('a request hook the app set still runs, after the count (and not for a 429)', async () => {
    const seen: string[] = [];
    running = await startApp(appWith(memory(1)), makeAdapter, (app) =>
      (app.getHttpAdapter() as AbstractHttpAdapter).setOnRequestHook(
        (request: { url: string }, _response: unknown, done: () => void) => {
          seen.push(request.url);
          done();
        },
      ),
    );
    const http = request(running.url);
    expect((await http.get('/door/notes/1')).status).toBe(200);
    expect(seen).toEqual(['/door/notes/1']);
    expectTooManyRequests(await http.get('/door/notes/2'), 1);
    expect(seen).toEqual(['/door/notes/1']);
  });

  it.each([
    ['refuse', 503],
    ['allow', 200],
  ] as const)(
    'a storage that fails at the door is asked once per request; whenUnavailable %s answers the route %s',
    async (policy, status) => {
      let calls = 0;
      const failing = {
        increment: async () => {
          calls++;
          throw new Error('The rate-limit store is down.');
        },
      };
      running = await startApp(appWith({ ...memory(), storage: failing }, policy), makeAdapter);
      const http = request(running.url);
      const unknown = await http.get('/nowhere');
      expect(unknown.status).toBe(404);
      expect(calls).toBe(1);
      const route = await http.get('/door/notes/1');
      expect(route.status).toBe(status);
      expect(route.headers['x-ratelimit-status']).toBe('unavailable');
      expect(route.headers['x-ratelimit-remaining']).toBeUndefined();
      if (status === 503) {
        expect(route.headers['retry-after']).toBe('1');
        expect(route.body.code).toBe('SERVICE_UNAVAILABLE');
      }
      expect(calls).toBe(2);
    },
  );
});

redisOrSkip()('rate limit at the door with a real Redis', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it.each(ADAPTERS)(
    '%s: refused requests count in Redis; over the limit malformed JSON is 429',
    async (_name, makeAdapter) => {
      const storage = new RedisThrottlerStorage(new Redis(redis.url), {
        prefix: `test:${randomUUID()}:`,
        quitOnShutdown: true,
      });
      const running = await startApp(appWith({ ...memory(), storage }), makeAdapter);
      try {
        const http = request(running.url);
        expect((await refusedEarly['malformed JSON'](http)).status).toBe(400);
        expect((await refusedEarly['a text/plain body'](http)).status).toBe(415);
        const allowed = await http.post('/door/notes').send({ title: 'ok' });
        expect(allowed.status).toBe(201);
        expect(allowed.headers['x-ratelimit-remaining']).toBe('0');
        expectTooManyRequests(await refusedEarly['malformed JSON'](http));
        expectTooManyRequests(await refusedEarly['a 2 MiB body'](http));
      } finally {
        await running.close();
      }
    },
  );
});
