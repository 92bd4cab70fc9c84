import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { ADAPTERS, RunningApp, startApp } from '../support/http-app';
import { describeWithRedis } from '../support/redis-server';
import { ExportsController, newGate, openGate } from './fixtures/jobs.fixture';
import { finished, pollUntil } from './fixtures/jobs-polling';

const TTL_MS = 60_000;

describeWithRedis('jobs shared through a real Redis', (server) => {
  describe.each(ADAPTERS)('accepted on %s, followed on the other adapter', (name, makeAdapter) => {
    const otherAdapter = ADAPTERS.find(([other]) => other !== name)![1];
    // One prefix per run: REDIS_URL may point at a Redis others use too.
    const keyPrefix = `nestjs-status-test:${randomUUID()}:`;
    const appWith = () => ({
      imports: [StatusModule.forRoot({ jobs: { redis: server().url, keyPrefix, ttlMs: TTL_MS } })],
      controllers: [ExportsController],
    });
    let a: RunningApp;
    let b: RunningApp;
    let redis: Redis;
    beforeAll(async () => {
      a = await startApp(appWith(), makeAdapter);
      b = await startApp(appWith(), otherAdapter);
      redis = new Redis(server().url);
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await redis?.quit();
    });

    it('follows a job created through one instance to its end through the other', async () => {
      const gateName = newGate();
      const accepted = await request(a.url)
        .post('/api/exports')
        .send({ name: 'shared', gate: gateName });
      expect(accepted.status).toBe(202);
      const { jobId, statusUrl } = accepted.body;
      expect(accepted.headers.location).toBe(statusUrl);

      // Instance B never saw the job: it reads it from Redis.
      const pending = await request(b.url).get(statusUrl);
      expect(pending.status).toBe(200);
      expect(pending.headers['retry-after']).toBe('1');
      expect(['queued', 'running']).toContain(pending.body.status);
      expect(pending.body.jobId).toBe(jobId);

      openGate(gateName);
      const done = await pollUntil(b.url, statusUrl, finished);
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe(`/api/exports/${jobId.slice(-12)}`);
      const resource = await request(b.url).get(done.headers.location);
      expect(resource.status).toBe(200);
      expect(resource.body).toEqual({ id: jobId.slice(-12), name: 'shared' });

      // Redis forgets it by itself: the finished record carries the TTL.
      const pttl = await redis.pttl(keyPrefix + jobId);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(TTL_MS);
    });

    it('answers the same failed status, with the error body, through either instance', async () => {
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

    it('fails a hung job after its timeout, as seen from the other instance', async () => {
      const accepted = await request(a.url)
        .post('/api/exports/quick')
        .send({ name: 'h', outcome: 'hang' });
      const done = await pollUntil(b.url, accepted.body.statusUrl, finished);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'failed', error: { code: 'JOB_TIMEOUT' } });
    });

    it('fails a job whose instance vanished, once it is past its deadline', async () => {
      // What a crashed instance leaves behind: a "running" record no process will finish.
      const jobId = `exp-${randomUUID()}`;
      const statusUrl = `/api/exports/jobs/${jobId}`;
      const past = Date.now() - 5_000;
      await redis.set(
        keyPrefix + jobId,
        JSON.stringify({
          jobId,
          status: 'running',
          statusUrl,
          createdAt: new Date(past - 1_000).toISOString(),
          startedAt: new Date(past - 900).toISOString(),
          deadline: new Date(past).toISOString(),
          requestId: 'req-crashed',
        }),
        'PX',
        TTL_MS,
      );
      const res = await request(b.url).get(statusUrl);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        jobId,
        status: 'failed',
        error: {
          code: 'JOB_TIMEOUT',
          message: 'The job did not finish within 1000 ms.',
          requestId: 'req-crashed',
        },
      });
      // Written back: every instance now says the same.
      expect(JSON.parse((await redis.get(keyPrefix + jobId))!).status).toBe('failed');
    });

    it('marks the jobs of an instance that shuts down as failed (JOB_INTERRUPTED) for the others', async () => {
      const c = await startApp(appWith(), makeAdapter);
      const gateName = newGate();
      const accepted = await request(c.url)
        .post('/api/exports')
        .send({ name: 'i', gate: gateName });
      expect(accepted.status).toBe(202);
      await c.close();
      openGate(gateName);
      const res = await request(b.url).get(accepted.body.statusUrl);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'failed',
        error: { error: 'Service Unavailable', code: 'JOB_INTERRUPTED' },
      });
    });
  });
});
