import request from 'supertest';
import { captureLogs, CapturedLogs } from '../support/captured-logs';
import {
  closedRedisPort,
  ControlledRedis,
  redisOrSkip,
  startControlledRedis,
} from '../support/redis-server';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/** The library's default storage timeout, plus a generous margin: an answer, never a hang. */
const BOUND_MS = 500 + 1500;
const LIMIT = 1000;
const GRACE = { email: 'grace@example.com', password: 'grace-password' };

/** A login and a read, each timed. */
async function loginAndRead(url: string): Promise<Array<{ res: request.Response; ms: number }>> {
  const answers = [];
  for (const send of [
    () => request(url).post('/api/auth/token').send(GRACE),
    () => request(url).get('/api/users/1'),
  ]) {
    const started = Date.now();
    const res = await send();
    answers.push({ res, ms: Date.now() - started });
  }
  return answers;
}

/** The sample fails open: served, marked uncounted, no X-RateLimit-* it cannot know. */
function expectServedUncounted(answers: Array<{ res: request.Response; ms: number }>): void {
  const [login, read] = answers;
  for (const { res, ms } of answers) {
    expect(ms).toBeLessThan(BOUND_MS);
    expect(res.status).toBe(200);
    expect(res.headers['x-ratelimit-status']).toBe('unavailable');
    expect(res.headers['x-ratelimit-remaining']).toBeUndefined();
  }
  expect(login.res.body).toEqual({
    accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    tokenType: 'Bearer',
    expiresIn: 3600,
  });
  expect(read.res.body.id).toBe(1);
}

/** Waits (at most 15 s) until requests are counted again, then checks that they count. */
async function expectCountingAgain(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let res = await request(url).get('/api/users/1');
  while (res.headers['x-ratelimit-remaining'] === undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    res = await request(url).get('/api/users/1');
  }
  expect(res.status).toBe(200);
  expect(res.headers['x-ratelimit-status']).toBeUndefined();
  const login = await request(url).post('/api/auth/token').send(GRACE);
  expect(login.status).toBe(200);
  expect(login.headers['x-ratelimit-limit']).toBe(String(LIMIT));
  expect(login.headers['x-ratelimit-remaining']).toBe(
    String(Number(res.headers['x-ratelimit-remaining']) - 1),
  );
}

/** One warning and one recovery line from the rate limit's Redis; no 500. */
function expectOneOutageTold(logs: CapturedLogs): void {
  const rateLimit = (lines: string[]) => lines.filter((line) => line.includes('(rate limit)'));
  expect(rateLimit(logs.warn)).toHaveLength(1);
  expect(rateLimit(logs.log)).toEqual([expect.stringContaining('is available again.')]);
  expect(logs.error.filter((line) => /\b500\b|INTERNAL/.test(line))).toEqual([]);
}

redisOrSkip()('sample with REDIS_URL while Redis is unavailable', () => {
  let logs: CapturedLogs;
  beforeAll(() => {
    logs = captureLogs();
  });
  afterAll(() => logs.restore());

  describe.each(SAMPLE_ADAPTERS)('%s', (adapter) => {
    let redis: ControlledRedis;
    let sample: RunningSample;
    beforeAll(async () => {
      redis = await startControlledRedis();
      sample = await startSample(adapter, { redisUrl: redis.url, rateLimit: LIMIT });
    });
    afterAll(async () => {
      await sample?.close();
      await redis?.stop();
    });

    it('Redis killed: login and reads are served at once, then counted again when it is back', async () => {
      await expectCountingAgain(sample.url);
      logs.clear();
      await redis.kill();
      expectServedUncounted(await loginAndRead(sample.url));
      expectServedUncounted(await loginAndRead(sample.url));
      await redis.restart();
      await expectCountingAgain(sample.url);
      expectOneOutageTold(logs);
    });

    it('Redis paused: served within the timeout, not held for the pause; counted again on resume', async () => {
      await expectCountingAgain(sample.url);
      logs.clear();
      redis.pause();
      try {
        expectServedUncounted(await loginAndRead(sample.url));
        expectServedUncounted(await loginAndRead(sample.url));
      } finally {
        redis.resume();
      }
      await expectCountingAgain(sample.url);
      expectOneOutageTold(logs);
    });

    it('REDIS_URL at a closed port: starts, serves, and counts once Redis comes', async () => {
      logs.clear();
      const closed = await closedRedisPort();
      const late = await startSample(adapter, { redisUrl: closed.url, rateLimit: LIMIT });
      let comes: ControlledRedis | undefined;
      try {
        expectServedUncounted(await loginAndRead(late.url));
        comes = await startControlledRedis(closed.port);
        await expectCountingAgain(late.url);
        const warnings = logs.warn.filter((line) => line.includes('(rate limit)'));
        expect(warnings).toEqual([expect.stringContaining('is unavailable at start-up')]);
        expectOneOutageTold(logs);
      } finally {
        await late.close();
        await comes?.stop();
      }
    });
  });
});
