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

/** The jobs engine cuts a Redis call at twice its 500 ms command timeout; plus a margin. */
const JOBS_BOUND_MS = 1000 + 1500;
const REPORT = { type: 'quarterly', year: 2024 };

/** Job creation and a poll, while Redis is away: each 503 + Retry-After in the envelope, in time. */
async function expectJobsUnavailable(url: string, statusUrl?: string): Promise<void> {
  const sends = [() => request(url).post('/api/reports').send(REPORT)];
  if (statusUrl) sends.push(() => request(url).get(statusUrl));
  for (const send of sends) {
    const started = Date.now();
    const res = await send();
    expect(Date.now() - started).toBeLessThan(JOBS_BOUND_MS);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.body).toEqual({
      error: 'Service Unavailable',
      message: expect.any(String),
      code: 'JOBS_UNAVAILABLE',
      retryAfter: Number(res.headers['retry-after']),
      requestId: res.headers['x-request-id'],
    });
  }
}

/** Waits (at most 15 s) until a report job is accepted again; follows it to its 303. */
async function expectJobsAgain(url: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  let res = await request(url).post('/api/reports').send(REPORT);
  while (res.status !== 202 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    res = await request(url).post('/api/reports').send(REPORT);
  }
  expect(res.status).toBe(202);
  const statusUrl: string = res.body.statusUrl;
  let poll = await request(url).get(statusUrl);
  while (poll.status === 200 && poll.body.status !== 'failed' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    poll = await request(url).get(statusUrl);
  }
  expect(poll.status).toBe(303);
  return statusUrl;
}

/** One warning and one recovery line from the rate limit's Redis; no 500. */
function expectOneOutageTold(logs: CapturedLogs): void {
  const rateLimit = (lines: string[]) => lines.filter((line) => line.includes('(rate limit)'));
  expect(rateLimit(logs.warn)).toHaveLength(1);
  expect(rateLimit(logs.log)).toEqual([expect.stringContaining('is available again.')]);
  // The jobs' Redis is the same server: its outage is told once too, whoever noticed it.
  const jobs = (lines: string[]) => lines.filter((line) => line.includes('Redis (jobs)'));
  expect(jobs(logs.warn)).toHaveLength(1);
  expect(jobs(logs.log)).toEqual([expect.stringContaining('is available again.')]);
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

    it('Redis killed: login and reads are served at once, jobs answer 503; all back when it is', async () => {
      await expectCountingAgain(sample.url);
      const statusUrl = await expectJobsAgain(sample.url);
      logs.clear();
      await redis.kill();
      expectServedUncounted(await loginAndRead(sample.url));
      await expectJobsUnavailable(sample.url, statusUrl);
      expectServedUncounted(await loginAndRead(sample.url));
      await redis.restart();
      await expectCountingAgain(sample.url);
      await expectJobsAgain(sample.url);
      expectOneOutageTold(logs);
    });

    it('Redis paused: served within the timeout, jobs answer 503, not held for the pause; all back on resume', async () => {
      await expectCountingAgain(sample.url);
      logs.clear();
      const statusUrl = await expectJobsAgain(sample.url);
      redis.pause();
      try {
        expectServedUncounted(await loginAndRead(sample.url));
        await expectJobsUnavailable(sample.url, statusUrl);
        expectServedUncounted(await loginAndRead(sample.url));
      } finally {
        redis.resume();
      }
      await expectCountingAgain(sample.url);
      await expectJobsAgain(sample.url);
      expectOneOutageTold(logs);
    });

    it('REDIS_URL at a closed port: starts, serves, jobs answer 503; counts and takes jobs once Redis comes', async () => {
      logs.clear();
      const closed = await closedRedisPort();
      const late = await startSample(adapter, { redisUrl: closed.url, rateLimit: LIMIT });
      let comes: ControlledRedis | undefined;
      try {
        expectServedUncounted(await loginAndRead(late.url));
        await expectJobsUnavailable(late.url);
        comes = await startControlledRedis(closed.port);
        await expectCountingAgain(late.url);
        await expectJobsAgain(late.url);
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
