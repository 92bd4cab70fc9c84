import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { RedisThrottlerStorage } from '../../lib/redis';
import { captureLogs, CapturedLogs } from '../support/captured-logs';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  closedRedisPort,
  ControlledRedis,
  redisOrSkip,
  startControlledRedis,
} from '../support/redis-server';
import { OutageController } from './fixtures/rate-limit-outage.fixture';

/** The library's default storage timeout. */
const TIMEOUT_MS = 500;
/** Answers come within the timeout plus this generous margin: never a hang. */
const BOUND_MS = TIMEOUT_MS + 1500;
const LIMIT = 1000;
const POLICIES = ['allow', 'refuse'] as const;
type Policy = (typeof POLICIES)[number];

function limitedApp(
  makeAdapter: (typeof ADAPTERS)[number][1],
  redisUrl: string,
  whenUnavailable: Policy,
): Promise<RunningApp> {
  const storage = new RedisThrottlerStorage(redisUrl, { prefix: `test:${randomUUID()}:` });
  return startApp(
    {
      imports: [
        StatusModule.forRoot({
          rateLimit: {
            throttler: { throttlers: [{ limit: LIMIT, ttl: 60_000 }], storage },
            whenUnavailable,
          },
        }),
      ],
      controllers: [OutageController],
    },
    makeAdapter,
  );
}

/** A read and a login, each timed. */
async function readAndLogin(url: string): Promise<Array<{ res: request.Response; ms: number }>> {
  const answers = [];
  for (const send of [
    () => request(url).get('/items'),
    () => request(url).post('/login').send({ user: 'ada' }),
  ]) {
    const started = Date.now();
    const res = await send();
    answers.push({ res, ms: Date.now() - started });
  }
  return answers;
}

/** What a client sees while the rate limit cannot count, under each policy. */
function expectUnavailable(answers: Array<{ res: request.Response; ms: number }>, policy: Policy) {
  const [read, login] = answers;
  for (const { res, ms } of answers) {
    expect(ms).toBeLessThan(BOUND_MS);
    expect(res.headers['x-ratelimit-remaining']).toBeUndefined();
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    expect(res.headers['x-ratelimit-status']).toBe('unavailable');
    if (policy === 'allow') {
      expect(res.status).toBe(200);
    } else {
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toEqual({
        error: 'Service Unavailable',
        message: 'Rate limits cannot be checked right now. Please retry later.',
        code: 'SERVICE_UNAVAILABLE',
        retryAfter: 1,
        requestId: expect.stringMatching(REQUEST_ID),
      });
    }
  }
  if (policy === 'allow') {
    expect(read.res.body).toEqual({ items: ['a', 'b'] });
    expect(login.res.body).toEqual({ token: 'token-for-ada' });
  }
}

/** Waits (at most 15 s) until a read is counted again, then checks that it counts. */
async function expectCountingAgain(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let res = await request(url).get('/items');
  while (res.headers['x-ratelimit-remaining'] === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    res = await request(url).get('/items');
  }
  expect(res.status).toBe(200);
  expect(res.headers['x-ratelimit-status']).toBeUndefined();
  const before = Number(res.headers['x-ratelimit-remaining']);
  const next = await request(url).get('/items');
  expect(next.headers['x-ratelimit-remaining']).toBe(String(before - 1));
  // Each route has its own count (the throttler's default key names the handler).
  const logins = [
    await request(url).post('/login').send({ user: 'ada' }),
    await request(url).post('/login').send({ user: 'ada' }),
  ];
  expect(logins.map((login) => login.status)).toEqual([200, 200]);
  expect(logins[0].headers['x-ratelimit-limit']).toBe(String(LIMIT));
  expect(Number(logins[1].headers['x-ratelimit-remaining'])).toBe(
    Number(logins[0].headers['x-ratelimit-remaining']) - 1,
  );
}

/** One warning for the outage, one line for the recovery, no stack, and no 500 (ioredis's "Unhandled error event": test/unit/redis-client.spec.ts). */
function expectOneOutageTold(logs: CapturedLogs, startUp = false): void {
  const warnings = logs.warn.filter((line) => line.includes('Redis (rate limit)'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(
    startUp
      ? /^Redis \(rate limit\) at 127\.0\.0\.1:\d+ is unavailable at start-up \(.+\): the app starts without it/
      : /^Redis \(rate limit\) at 127\.0\.0\.1:\d+ is unavailable \(.+\): requests are (served without rate limits|refused with 503) until it is back\.$/,
  );
  expect(logs.log.filter((line) => line.includes('available again'))).toEqual([
    expect.stringMatching(/^Redis \(rate limit\) at 127\.0\.0\.1:\d+ is available again\.$/),
  ]);
  expect(logs.warn).toHaveLength(1); // the filter says nothing more per 503
  expect(logs.error).toEqual([]);
}

redisOrSkip()('rate limit on Redis while Redis is unavailable', () => {
  let logs: CapturedLogs;
  beforeAll(() => {
    logs = captureLogs();
  });
  afterAll(() => logs.restore());

  describe.each(ADAPTERS)('%s', (_name, makeAdapter) => {
    describe.each(POLICIES)('whenUnavailable: %s', (policy) => {
      let redis: ControlledRedis;
      let app: RunningApp;
      beforeAll(async () => {
        redis = await startControlledRedis();
        app = await limitedApp(makeAdapter, redis.url, policy);
      });
      afterAll(async () => {
        await app?.close();
        await redis?.stop();
      });

      it('Redis killed: a read and a login are answered at once, then counted again when it is back', async () => {
        await expectCountingAgain(app.url);
        logs.clear();
        await redis.kill();
        expectUnavailable(await readAndLogin(app.url), policy);
        expectUnavailable(await readAndLogin(app.url), policy);
        await redis.restart();
        await expectCountingAgain(app.url);
        expectOneOutageTold(logs);
      });

      it('Redis paused: answered within the timeout, not held for the pause; counted again on resume', async () => {
        await expectCountingAgain(app.url);
        logs.clear();
        redis.pause();
        try {
          expectUnavailable(await readAndLogin(app.url), policy);
          expectUnavailable(await readAndLogin(app.url), policy);
        } finally {
          redis.resume();
        }
        await expectCountingAgain(app.url);
        expectOneOutageTold(logs);
      });
    });

    it.each(POLICIES)(
      'Redis unreachable at start-up (%s): the app starts, says so once, answers, and counts once Redis comes',
      async (policy) => {
        logs.clear();
        const closed = await closedRedisPort();
        const app = await limitedApp(makeAdapter, closed.url, policy);
        let redis: ControlledRedis | undefined;
        try {
          expectUnavailable(await readAndLogin(app.url), policy);
          expectUnavailable(await readAndLogin(app.url), policy);
          redis = await startControlledRedis(closed.port);
          await expectCountingAgain(app.url);
          expectOneOutageTold(logs, true);
        } finally {
          await app.close();
          await redis?.stop();
        }
      },
    );
  });
});
