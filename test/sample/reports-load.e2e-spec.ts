import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { finished, pollUntil } from '../e2e/fixtures/jobs-polling';
import { RedisServer, redisOrSkip, startRedis } from '../support/redis-server';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/** Far more jobs than 16 workers can start within JOB_START_WITHIN_MS at REPORT_DELAY_MS each. */
const SUBMISSIONS = 240;
const IN_FLIGHT = 40;
// Each job holds its worker 0.8 s: one more job per worker can start within the 1 s window, and
// the 16 workers take 20 jobs a second at most, far below any pace 40 clients submit at, even on
// a loaded machine: some submissions wait and are accepted, the rest are refused.
const LOAD = { reportDelayMs: 800, jobStartWithinMs: 1_000, rateLimit: 1_000_000 };

jest.setTimeout(120_000);

/** Sends SUBMISSIONS report jobs, IN_FLIGHT at a time; follows every 202 to its end. */
async function overload(url: string) {
  const answers: request.Response[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < SUBMISSIONS) {
        next++;
        answers.push(await request(url).post('/api/reports').send({ type: 'annual', year: 2024 }));
      }
    }),
  );
  const accepted = answers.filter((a) => a.status === 202);
  const refused = answers.filter((a) => a.status === 503);
  const ends = await Promise.all(
    accepted.map((a) =>
      // A poll that finds Redis too busy to answer in time (503) is repeated, as a client would.
      pollUntil(url, a.body.statusUrl, (r) => r.status !== 503 && finished(r), {
        tries: 600,
        intervalMs: 100,
      }),
    ),
  );
  return { answers, accepted, refused, ends };
}

function expectHonestAdmission(result: Awaited<ReturnType<typeof overload>>, label: string) {
  const { answers, accepted, refused, ends } = result;
  const succeeded = ends.filter((e) => e.status === 303).length;
  const failed = ends.filter((e) => e.body?.status === 'failed');
  const other = ends.filter((e) => e.status !== 303 && e.body?.status !== 'failed');
  console.log(
    `${label}: ${answers.length} submitted, ${accepted.length} accepted (202), ` +
      `${refused.length} refused (503); of the accepted ${succeeded} succeeded, ${failed.length} failed`,
  );
  expect(accepted.length + refused.length).toBe(SUBMISSIONS);
  expect(accepted.length).toBeGreaterThan(0);
  expect(refused.length).toBeGreaterThan(0);
  // Every accepted job ran: none failed for waiting (JOB_TIMEOUT) or for anything else.
  expect(failed.map((e) => e.body.error?.code)).toEqual([]);
  expect(other.map((e) => `${e.status} ${e.body?.code ?? e.body?.status}`)).toEqual([]);
  expect(succeeded).toBe(accepted.length);
  for (const res of refused) {
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.body).toMatchObject({
      error: 'Service Unavailable',
      code: 'JOBS_BUSY',
      retryAfter: Number(res.headers['retry-after']),
      requestId: res.headers['x-request-id'],
    });
  }
}

describe.each(SAMPLE_ADAPTERS)('report jobs under overload, in memory, on %s', (adapter) => {
  let sample: RunningSample;
  beforeAll(async () => {
    sample = await startSample(adapter, LOAD);
  });
  afterAll(() => sample?.close());

  it('accepts only jobs that can start in time; each ends for its own reason; the rest get 503', async () => {
    expectHonestAdmission(await overload(sample.url), `memory/${adapter}`);
  });
});

redisOrSkip()('report jobs on BullMQ (REDIS_URL)', () => {
  let redis: RedisServer;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'nestjs-status-load-'));
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(SAMPLE_ADAPTERS)('on %s', (adapter) => {
    let sample: RunningSample;
    beforeAll(async () => {
      sample = await startSample(adapter, {
        ...LOAD,
        redisUrl: redis.url,
        databasePath: join(dir, `${adapter}.db`),
      });
    });
    afterAll(() => sample?.close());

    it('accepts only jobs that can start in time; each ends for its own reason; the rest get 503', async () => {
      expectHonestAdmission(await overload(sample.url), `bullmq/${adapter}`);
    });
  });
});
