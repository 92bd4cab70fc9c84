import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { finished, pollUntil } from '../e2e/fixtures/jobs-polling';
import { RedisServer, redisOrSkip, startRedis } from '../support/redis-server';
import { RawConnection } from '../support/raw-connection';
import { SampleProcess, startSampleProcess } from '../support/sample-process';

/** The BullMQ lock of a running report and the stalled-check interval (JOB_LOCK_MS), short here. */
const LOCK_MS = 1_500;
/**
 * How soon after its worker dies a job is finished by another instance: the lock lapses
 * (LOCK_MS), a stalled check marks the job and the next one moves it back (2 x LOCK_MS), and the
 * other worker runs it (B_DELAY_MS). The margin covers a loaded machine.
 */
const B_DELAY_MS = 200;
const RECOVERY_BOUND_MS = LOCK_MS * 3 + B_DELAY_MS + 5_000;
/** The sample's drain bound (the library's default), within which it must have exited. */
const DRAIN_MS = 10_000;

jest.setTimeout(180_000);

redisOrSkip()('a report job whose instance is killed (two sample processes, one Redis)', () => {
  let redis: RedisServer;
  let dir: string;
  let a: SampleProcess | undefined;
  let b: SampleProcess | undefined;
  const env = () => ({
    REDIS_URL: redis.url,
    DATABASE_PATH: join(dir, 'sample.db'),
    JOB_LOCK_MS: String(LOCK_MS),
    RATE_LIMIT: '100000',
  });
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'nestjs-status-failover-'));
  });
  afterAll(async () => {
    await Promise.all([a?.kill('SIGKILL'), b?.kill('SIGKILL')]);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is finished by the other instance and followed to its 303 through it', async () => {
    // A runs reports slowly: the job is still running when A is killed.
    a = await startSampleProcess({
      env: { ...env(), REPORT_DELAY_MS: '120000', ADAPTER: 'express' },
    });
    const accepted = await request(a.url).post('/api/reports').send({ type: 'annual', year: 2024 });
    expect(accepted.status).toBe(202);
    const { jobId, statusUrl } = accepted.body;
    const running = await pollUntil(a.url, statusUrl, (r) => r.body.status === 'running');
    expect(running.body).toMatchObject({ jobId, status: 'running' });

    b = await startSampleProcess({
      env: { ...env(), REPORT_DELAY_MS: String(B_DELAY_MS), ADAPTER: 'fastify' },
    });
    // B sees the job A runs, from BullMQ's state.
    const seenByB = await request(b.url).get(statusUrl);
    expect(seenByB.status).toBe(200);
    expect(seenByB.body.status).toBe('running');

    await a.kill('SIGKILL');
    const killedAt = Date.now();
    const done = await pollUntil(b.url, statusUrl, finished, {
      tries: Math.ceil(RECOVERY_BOUND_MS / 100),
      intervalMs: 100,
    });
    const recoveredMs = Date.now() - killedAt;
    console.log(`job of the killed instance finished by the other after ${recoveredMs} ms`);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/api/reports/${jobId.replace(/^rpt-/, '')}`);
    expect(done.body).toMatchObject({ jobId, status: 'succeeded' });
    expect(recoveredMs).toBeLessThan(RECOVERY_BOUND_MS);

    const report = await request(b.url).get(done.headers.location);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ type: 'annual', year: 2024 });
  });

  it('on SIGTERM: 503 + Connection: close, idle closed, out within the drain bound; the other instance runs the job', async () => {
    b ??= await startSampleProcess({
      env: { ...env(), REPORT_DELAY_MS: String(B_DELAY_MS), ADAPTER: 'fastify' },
    });
    a = await startSampleProcess({
      env: { ...env(), REPORT_DELAY_MS: '120000', ADAPTER: 'express' },
    });
    const accepted = await request(a.url).post('/api/reports').send({ type: 'annual', year: 2023 });
    expect(accepted.status).toBe(202);
    const { jobId, statusUrl } = accepted.body;
    await pollUntil(a.url, statusUrl, (r) => r.body.status === 'running');

    const host = `Host: ${new URL(a.url).host}\r\n`;
    // An idle keep-alive connection; one whose request is finished only after SIGTERM; and a
    // half-sent body.
    // The two unfinished requests go first, and a whole round trip on the idle connection after
    // them: by its answer the server has read their bytes, so neither looks idle at SIGTERM.
    const asksLate = await RawConnection.open(a.url);
    asksLate.write(`GET /api/users/1 HTTP/1.1\r\n${host}`);
    const halfSent = await RawConnection.open(a.url);
    halfSent.write(
      `POST /api/users HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`,
    );
    const idle = await RawConnection.open(a.url);
    idle.write(`GET /api/users/1 HTTP/1.1\r\n${host}\r\n`);
    expect((await idle.response()).status).toBe(200);

    const signalledAt = Date.now();
    const exited = new Promise<number>((resolve) =>
      a!.child.once('exit', () => resolve(Date.now())),
    );
    a.child.kill('SIGTERM');
    const idleClosedAt = await idle.closedAt;
    expect(idleClosedAt - signalledAt).toBeLessThan(DRAIN_MS / 2);

    asksLate.write('\r\n');
    const refused = await asksLate.response();
    expect(refused.status).toBe(503);
    expect(refused.headers.connection).toBe('close');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toMatchObject({ code: 'SHUTTING_DOWN', retryAfter: 1 });
    expect(refused.body.requestId).toBe(refused.headers['x-request-id']);

    // Out within the drain bound, the half-sent body notwithstanding: connections end by
    // DRAIN_MS; the rest (the worker handing its job back, Redis, the database) is teardown, given
    // a margin so a loaded machine does not fail it (a hang would take minutes).
    expect((await exited) - signalledAt).toBeLessThan(DRAIN_MS + 2_000);
    await halfSent.closedAt;

    // The job A handed back is run by B and followed to its 303 through B.
    const done = await pollUntil(b.url, statusUrl, finished, {
      tries: Math.ceil(RECOVERY_BOUND_MS / 100),
      intervalMs: 100,
    });
    expect(done.status).toBe(303);
    expect(done.body).toMatchObject({ jobId, status: 'succeeded' });
  });
});
