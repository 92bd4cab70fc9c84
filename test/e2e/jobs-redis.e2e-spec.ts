import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { JobRunner, JobsOptions } from '../../lib/jobs';
import { ADAPTERS, RunningApp, startApp } from '../support/http-app';
import {
  ControlledRedis,
  RedisServer,
  redisOrSkip,
  startControlledRedis,
  startRedis,
} from '../support/redis-server';
import {
  EXPORT_PROCESSORS,
  ExportsController,
  FLAKY_RUNS,
  newGate,
  openGate,
} from './fixtures/jobs.fixture';
import { finished, finishedThroughOutage, pollUntil } from './fixtures/jobs-polling';

/** Short bounds, so faults show within a test; the same every instance of a pair uses. */
const BOUNDS: JobsOptions = {
  lockDurationMs: 2_000,
  stalledCheckMs: 1_000,
  retryDelayMs: 50,
  attempts: 2,
  commandTimeoutMs: 500,
};
/** A request to a Redis that does not answer gets its 503 within 2 x commandTimeoutMs; margin for a loaded machine. */
const UNAVAILABLE_BOUND_MS = 1_000 + 2_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Needs its own redis-server (it pauses it), so not REDIS_URL's.
(process.env.REDIS_URL ? describe.skip : redisOrSkip())('jobs on BullMQ with a real Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  const appWith = (prefix: string, jobs: JobsOptions = {}) => ({
    imports: [StatusModule.forRoot({ jobs: { redis: redis.url, prefix, ...BOUNDS, ...jobs } })],
    controllers: [ExportsController],
    providers: EXPORT_PROCESSORS,
  });

  describe.each(ADAPTERS)('accepted on %s, followed on the other adapter', (name, makeAdapter) => {
    const otherAdapter = ADAPTERS.find(([other]) => other !== name)![1];
    const prefix = `test-${randomUUID()}`;
    const apps: RunningApp[] = [];
    let a: RunningApp;
    let b: RunningApp;
    beforeAll(async () => {
      a = await startApp(appWith(prefix), makeAdapter);
      b = await startApp(appWith(prefix), otherAdapter);
      apps.push(a, b);
    });
    afterAll(async () => {
      redis.resume?.();
      await Promise.all(apps.map((app) => app.close()));
    });

    it('follows a job accepted by one instance to its end through the other', async () => {
      const gateName = newGate();
      const accepted = await request(a.url)
        .post('/api/exports')
        .send({ name: 'shared', gate: gateName });
      expect(accepted.status).toBe(202);
      const { jobId, statusUrl } = accepted.body;
      expect(accepted.body).toEqual({ jobId, status: 'queued', statusUrl });
      expect(accepted.headers.location).toBe(statusUrl);

      // Instance B never saw the job: it reads BullMQ's state.
      const pending = await request(b.url).get(statusUrl);
      expect(pending.status).toBe(200);
      expect(pending.headers['retry-after']).toBe('1');
      expect(['queued', 'running']).toContain(pending.body.status);
      expect(pending.body.jobId).toBe(jobId);

      openGate(gateName);
      const done = await pollUntil(b.url, statusUrl, finished);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe(`/api/exports/${jobId.slice(-12)}`);
      expect(done.body).toMatchObject({ jobId, status: 'succeeded' });
      const resource = await request(b.url).get(done.headers.location);
      expect(resource.status).toBe(200);
      expect(resource.body).toEqual({ id: jobId.slice(-12), name: 'shared' });
    });

    it('shows progress and the same failed status, with the error body, through either instance', async () => {
      const gateName = newGate();
      const slow = await request(a.url)
        .post('/api/exports')
        .send({ name: 'pr', outcome: 'progress', gate: gateName });
      const seen = await pollUntil(b.url, slow.body.statusUrl, (r) => !!r.body.progress);
      expect(seen.body).toMatchObject({ status: 'running', progress: { done: 1, of: 2 } });
      openGate(gateName);

      const accepted = await request(a.url)
        .post('/api/exports')
        .send({ name: 'd', outcome: 'conflict' });
      const viaB = await pollUntil(b.url, accepted.body.statusUrl, finished);
      const viaA = await request(a.url).get(accepted.body.statusUrl);
      expect(viaB.status).toBe(200);
      expect(viaB.body).toMatchObject({
        status: 'failed',
        error: {
          error: 'Conflict',
          code: 'CONFLICT',
          field: 'name',
          requestId: accepted.headers['x-request-id'],
        },
      });
      expect(viaA.body).toEqual(viaB.body);
    });

    it('retries a processor that keeps failing as configured (attempts: 2), then fails with its real error', async () => {
      const jobName = `flaky-${randomUUID()}`;
      const accepted = await request(a.url)
        .post('/api/exports')
        .send({ name: jobName, outcome: 'flaky' });
      const done = await pollUntil(b.url, accepted.body.statusUrl, finished);
      expect(FLAKY_RUNS.get(jobName)).toBe(2);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        status: 'failed',
        error: {
          error: 'Internal Server Error',
          code: 'INTERNAL_ERROR',
          requestId: accepted.headers['x-request-id'],
        },
      });
      expect(done.text).not.toMatch(/flaky run/);
    });

    it('ends a job succeeded when Redis is paused during its final write', async () => {
      const gateName = newGate();
      const accepted = await request(a.url)
        .post('/api/exports')
        .send({ name: 'paused', gate: gateName });
      await pollUntil(b.url, accepted.body.statusUrl, (r) => r.body.status === 'running');
      redis.pause!();
      openGate(gateName); // the processor returns while Redis answers nothing
      await sleep(1_500);
      redis.resume!();
      const done = await pollUntil(b.url, accepted.body.statusUrl, finished, {
        tries: 100,
        intervalMs: 100,
      });
      expect({ status: done.status, body: done.body }).toMatchObject({
        status: 303,
        body: { status: 'succeeded' },
      });
    });

    it('answers job creation and polls 503 + Retry-After while Redis is paused, and recovers after', async () => {
      const known = await request(a.url).post('/api/exports/counts');
      expect(known.status).toBe(202);
      redis.pause!();
      try {
        for (const [url, method, path] of [
          [a.url, 'post', '/api/exports'],
          [b.url, 'get', known.body.statusUrl],
        ] as const) {
          const started = Date.now();
          const res =
            method === 'post'
              ? await request(url).post(path).send({ name: 'down' })
              : await request(url).get(path);
          expect(Date.now() - started).toBeLessThan(UNAVAILABLE_BOUND_MS);
          expect(res.status).toBe(503);
          expect(res.headers['retry-after']).toBe('1');
          expect(res.headers.location).toBeUndefined();
          expect(res.body).toEqual({
            error: 'Service Unavailable',
            message: 'Jobs cannot be queued or read right now; try again shortly.',
            code: 'JOBS_UNAVAILABLE',
            retryAfter: 1,
            requestId: res.headers['x-request-id'],
          });
        }
      } finally {
        redis.resume!();
      }
      const again = await pollUntil(
        a.url,
        known.body.statusUrl,
        (r) => r.status !== 503 && finished(r),
        { tries: 50, intervalMs: 100 },
      );
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: 'succeeded', result: { count: 3 } });
      const accepted = await request(b.url).post('/api/exports').send({ name: 'back' });
      expect(accepted.status).toBe(202);
      expect((await pollUntil(a.url, accepted.body.statusUrl, finished)).status).toBe(303);
    });

    it('answers 503 + Retry-After while Redis is down (killed), and recovers once it is back', async () => {
      const known = await request(a.url).post('/api/exports/counts');
      expect(known.status).toBe(202);
      await redis.kill!();
      try {
        for (const send of [
          () => request(a.url).post('/api/exports').send({ name: 'down' }),
          () => request(b.url).get(known.body.statusUrl),
        ]) {
          const started = Date.now();
          const res = await send();
          expect(Date.now() - started).toBeLessThan(UNAVAILABLE_BOUND_MS);
          expect(res.status).toBe(503);
          expect(res.headers['retry-after']).toBe('1');
          expect(res.body).toMatchObject({ code: 'JOBS_UNAVAILABLE', retryAfter: 1 });
        }
      } finally {
        await redis.restart!();
      }
      // A fresh Redis (its data is gone): the apps reconnect by themselves and take new jobs.
      let accepted: request.Response | undefined;
      for (let i = 0; i < 100 && accepted?.status !== 202; i++) {
        if (i > 0) await sleep(100);
        accepted = await request(b.url).post('/api/exports').send({ name: 'after' });
      }
      expect(accepted!.status).toBe(202);
      const done = await pollUntil(a.url, accepted!.body.statusUrl, finished, {
        tries: 300,
        intervalMs: 100,
      });
      expect(done.status).toBe(303);
    });

    it('fails a job whose worker keeps dying as JOB_INTERRUPTED (maxInterruptions), never JOB_TIMEOUT', async () => {
      const own = `test-${randomUUID()}`;
      const fragile = { maxInterruptions: 0, lockDurationMs: 1_000, stalledCheckMs: 500 };
      const c = await startApp(appWith(own, fragile), makeAdapter);
      apps.push(c);
      const accepted = await request(c.url)
        .post('/api/exports')
        .send({ name: 'dies', gate: newGate() });
      await pollUntil(c.url, accepted.body.statusUrl, (r) => r.body.status === 'running');
      // What kill -9 does to the worker: it stops at once, renewing no lock and handing nothing back.
      const engine = (c.app.get(JobRunner) as unknown as { engine: { workers: unknown[] } }).engine;
      await (engine.workers[0] as { close(force: boolean): Promise<void> }).close(true);
      const d = await startApp(appWith(own, fragile), otherAdapter);
      apps.push(d);
      const done = await pollUntil(d.url, accepted.body.statusUrl, finished, {
        tries: 100,
        intervalMs: 100,
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        jobId: accepted.body.jobId,
        status: 'failed',
        error: {
          error: 'Service Unavailable',
          message: 'The server running the job stopped before it finished. Start the job again.',
          code: 'JOB_INTERRUPTED',
          requestId: accepted.headers['x-request-id'],
        },
      });
    });

    it('hands a running job back on shutdown: another instance runs it at once, not after the lock lapses', async () => {
      // A pair of its own, with a lock far longer than the poll below: only a hand-back finishes in time.
      const own = `test-${randomUUID()}`;
      const slowLock = { lockDurationMs: 60_000, stalledCheckMs: 60_000 };
      const c = await startApp(appWith(own, slowLock), makeAdapter);
      const gateName = newGate();
      const accepted = await request(c.url)
        .post('/api/exports')
        .send({ name: 'handed', gate: gateName });
      expect(accepted.status).toBe(202);
      await pollUntil(c.url, accepted.body.statusUrl, (r) => r.body.status === 'running');
      const d = await startApp(appWith(own, slowLock), otherAdapter);
      apps.push(d);
      await c.close(); // beforeApplicationShutdown hands the job back
      openGate(gateName);
      const done = await pollUntil(d.url, accepted.body.statusUrl, finished, {
        tries: 50,
        intervalMs: 100,
      });
      expect({ status: done.status, body: done.body }).toMatchObject({
        status: 303,
        body: { status: 'succeeded' },
      });
    });
  });
});

redisOrSkip()('jobs on BullMQ when Redis stops during the final write', () => {
  let redis: ControlledRedis;
  beforeAll(async () => {
    redis = await startControlledRedis(undefined, { persist: true });
  });
  afterAll(() => redis?.stop());

  describe.each(ADAPTERS)('on %s', (_name, makeAdapter) => {
    it('ends the job succeeded once Redis is restarted with its data', async () => {
      const jobs = { redis: redis.url, prefix: `test-${randomUUID()}`, ...BOUNDS };
      const app = await startApp(
        {
          imports: [StatusModule.forRoot({ jobs })],
          controllers: [ExportsController],
          providers: EXPORT_PROCESSORS,
        },
        makeAdapter,
      );
      try {
        const gateName = newGate();
        const accepted = await request(app.url)
          .post('/api/exports')
          .send({ name: 'stopped', gate: gateName });
        expect(accepted.status).toBe(202);
        await pollUntil(app.url, accepted.body.statusUrl, (r) => r.body.status === 'running');
        await redis.shutDown(); // as an operator stops it: its data (the running job) is on disk
        openGate(gateName); // the processor returns while Redis is away
        await sleep(1_000);
        await redis.restart();
        const done = await pollUntil(app.url, accepted.body.statusUrl, finishedThroughOutage, {
          tries: 150,
          intervalMs: 100,
        });
        expect({ status: done.status, body: done.body }).toMatchObject({
          status: 303,
          body: { jobId: accepted.body.jobId, status: 'succeeded' },
        });
        const resource = await request(app.url).get(done.headers.location);
        expect(resource.status).toBe(200);
        expect(resource.body).toEqual({ id: accepted.body.jobId.slice(-12), name: 'stopped' });
      } finally {
        await app.close();
      }
    });
  });
});
