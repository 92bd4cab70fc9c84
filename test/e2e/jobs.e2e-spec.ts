import request from 'supertest';
import { StatusModule, StatusModuleOptions } from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  EXPORT_PROCESSORS,
  ExportsController,
  EXPORTS,
  FLAKY_RUNS,
  newGate,
  openGate,
} from './fixtures/jobs.fixture';
import { finished, pollUntil } from './fixtures/jobs-polling';

const JOB_ID = /^exp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const GENERIC_500 = 'An unexpected error occurred. Quote the requestId when reporting it.';

function appWith(options: StatusModuleOptions = {}) {
  return {
    imports: [StatusModule.forRoot(options)],
    controllers: [ExportsController],
    providers: EXPORT_PROCESSORS,
  };
}

// A job that throws or hangs must never surface as an unhandled rejection.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe.each(ADAPTERS)('@Async jobs on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    running = await startApp(appWith(), makeAdapter);
    http = request(running.url);
  });
  afterAll(() => running.close());

  it("answers the guide's create example: 202, Location = statusUrl, { jobId, status, statusUrl }", async () => {
    const res = await http.post('/api/exports').send({ name: 'annual', gate: newGate() });
    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    const { jobId } = res.body;
    expect(jobId).toMatch(JOB_ID);
    expect(Object.keys(res.body)).toEqual(['jobId', 'status', 'statusUrl']);
    expect(res.body).toEqual({ jobId, status: 'queued', statusUrl: `/api/exports/jobs/${jobId}` });
    expect(res.headers.location).toBe(res.body.statusUrl);
  });

  it('follows a job to its end: 202 → 200 + Retry-After → 303 + Location → 200 the resource', async () => {
    const gateName = newGate();
    const accepted = await http.post('/api/exports').send({ name: 'q3', gate: gateName });
    expect(accepted.status).toBe(202);
    const { jobId, statusUrl } = accepted.body;

    const pending = await http.get(statusUrl);
    expect(pending.status).toBe(200);
    expect(pending.headers['retry-after']).toBe('1');
    expect(pending.headers['cache-control']).toBe('no-store');
    expect(pending.headers.location).toBeUndefined();
    expect(['queued', 'running']).toContain(pending.body.status);
    expect(pending.body).toMatchObject({ jobId, createdAt: expect.stringMatching(ISO) });

    const started = await pollUntil(running.url, statusUrl, (a) => a.body.status === 'running');
    expect(started.status).toBe(200);
    expect(started.body).toEqual({
      jobId,
      status: 'running',
      createdAt: expect.stringMatching(ISO),
      startedAt: expect.stringMatching(ISO),
    });

    openGate(gateName);
    const done = await pollUntil(running.url, statusUrl, finished);
    expect(done.status).toBe(303);
    const id = jobId.slice(-12);
    expect(done.headers.location).toBe(`/api/exports/${id}`);
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.headers['retry-after']).toBeUndefined();
    expect(done.body).toEqual({
      jobId,
      status: 'succeeded',
      resultUrl: `/api/exports/${id}`,
      createdAt: expect.stringMatching(ISO),
      startedAt: expect.stringMatching(ISO),
      finishedAt: expect.stringMatching(ISO),
    });

    const resource = await http.get(done.headers.location);
    expect(resource.status).toBe(200);
    expect(resource.body).toEqual({ id, name: 'q3' });
  });

  it('answers a poll with If-None-Match 304 + Retry-After while nothing changed', async () => {
    const gateName = newGate();
    const { statusUrl } = (await http.post('/api/exports').send({ name: 'e', gate: gateName }))
      .body;
    const seen = await pollUntil(running.url, statusUrl, (a) => a.body.status === 'running');
    expect(seen.headers.etag).toMatch(/^"/);
    const same = await http.get(statusUrl).set('If-None-Match', seen.headers.etag);
    expect(same.status).toBe(304);
    expect(same.headers['retry-after']).toBe('1');
    openGate(gateName);
    const done = await pollUntil(running.url, statusUrl, (a) => a.status !== 304 && finished(a), {
      tries: 150,
    });
    expect(done.status).toBe(303);
  });

  it('answers 200 with the resultUrl instead of 303 where the monitor says doneStatus: 200', async () => {
    const gateName = newGate();
    const { jobId } = (await http.post('/api/exports').send({ name: 'p', gate: gateName })).body;
    const plain = `/api/exports/jobs/${jobId}/plain`;
    const pending = await http.get(plain);
    expect(pending.status).toBe(200);
    expect(pending.headers['retry-after']).toBe('7');
    openGate(gateName);
    const done = await pollUntil(running.url, plain, finished);
    expect(done.status).toBe(200);
    expect(done.headers.location).toBeUndefined();
    expect(done.body).toMatchObject({
      jobId,
      status: 'succeeded',
      resultUrl: `/api/exports/${jobId.slice(-12)}`,
    });
  });

  it('answers a job with no resource of its own with 200 and its result', async () => {
    const accepted = await http.post('/api/exports/counts');
    expect(accepted.status).toBe(202);
    expect(accepted.body.jobId).toMatch(/^job-/);
    expect(accepted.headers.location).toBe(`/api/exports/jobs/${accepted.body.jobId}`);
    const done = await pollUntil(running.url, accepted.headers.location, finished);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'succeeded', result: { count: 3 } });
  });

  it("records a job that throws a domain error as failed, with exactly the HTTP error's body", async () => {
    const accepted = await http
      .post('/api/exports')
      .set('X-Request-Id', 'req-job-conflict')
      .send({ name: 'dup', outcome: 'conflict' });
    expect(accepted.status).toBe(202);
    const done = await pollUntil(running.url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(200);
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.body).toEqual({
      jobId: accepted.body.jobId,
      status: 'failed',
      error: {
        error: 'Conflict',
        message: 'An export named dup already exists.',
        code: 'CONFLICT',
        field: 'name',
        requestId: 'req-job-conflict',
      },
      createdAt: expect.stringMatching(ISO),
      startedAt: expect.stringMatching(ISO),
      finishedAt: expect.stringMatching(ISO),
    });
    // The same error thrown in a request: the same body, key for key.
    const direct = await http
      .post('/api/exports/conflict-now')
      .set('X-Request-Id', 'req-job-conflict')
      .send({ name: 'dup' });
    expect(direct.status).toBe(409);
    expect(JSON.stringify(done.body.error)).toBe(JSON.stringify(direct.body));
  });

  it('records a job that crashes as failed with a generic 500 body: nothing internal, nothing crashes', async () => {
    const accepted = await http.post('/api/exports').send({ name: 'x', outcome: 'crash' });
    const done = await pollUntil(running.url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('failed');
    expect(done.body.error).toEqual({
      error: 'Internal Server Error',
      message: GENERIC_500,
      code: 'INTERNAL_ERROR',
      requestId: accepted.headers['x-request-id'],
    });
    expect(done.text).not.toMatch(/ECONNREFUSED|hunter2|db\.internal|stack/);
    expect((await http.get('/api/exports/nothing-here')).status).toBe(404); // still serving
  });

  it('answers an unknown job with 404 in the envelope', async () => {
    for (const id of ['exp-00000000-0000-0000-0000-000000000000', 'not-a-job']) {
      const res = await http.get(`/api/exports/jobs/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({
        error: 'Not Found',
        message: 'No such job: it never existed or its record has expired.',
        code: 'JOB_NOT_FOUND',
        requestId: res.headers['x-request-id'],
      });
    }
  });

  it('validates before accepting: 422 with no job and no Location', async () => {
    const before = EXPORTS.size;
    const res = await http.post('/api/exports').send({ name: 7 });
    expect(res.status).toBe(422);
    expect(res.headers.location).toBeUndefined();
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(EXPORTS.size).toBe(before);
  });

  it('shows the progress a running processor reports', async () => {
    const gateName = newGate();
    const accepted = await http
      .post('/api/exports')
      .send({ name: 'pr', outcome: 'progress', gate: gateName });
    const seen = await pollUntil(running.url, accepted.body.statusUrl, (a) => !!a.body.progress);
    expect(seen.status).toBe(200);
    expect(seen.headers['retry-after']).toBe('1');
    expect(seen.body).toEqual({
      jobId: accepted.body.jobId,
      status: 'running',
      progress: { done: 1, of: 2 },
      createdAt: expect.stringMatching(ISO),
      startedAt: expect.stringMatching(ISO),
    });
    openGate(gateName);
    const done = await pollUntil(running.url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(303);
    expect(done.body.progress).toBeUndefined();
  });

  it('answers an @Async handler that returns a closure (the old API) with a plain 500, adding no job', async () => {
    const res = await http.post('/api/exports/broken');
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toMatchObject({ code: 'INTERNAL_ERROR', message: GENERIC_500 });
  });
});

describe.each(ADAPTERS)('@Async job options on %s', (_name, makeAdapter) => {
  const apps: RunningApp[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));
  async function start(options: StatusModuleOptions) {
    const app = await startApp(appWith(options), makeAdapter);
    apps.push(app);
    return app;
  }

  it('fails a hung run after `timeoutMs` (JOB_TIMEOUT, not retried), never leaving it running', async () => {
    const { url } = await start({ jobs: { timeoutMs: 150 } });
    const accepted = await request(url)
      .post('/api/exports/quick')
      .send({ name: 'h', outcome: 'hang' });
    expect(accepted.status).toBe(202);
    const pending = await request(url).get(accepted.body.statusUrl);
    expect(pending.status).toBe(200);
    expect(['queued', 'running']).toContain(pending.body.status);
    const done = await pollUntil(url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'failed',
      error: {
        error: 'Internal Server Error',
        message: 'The job did not finish within 150 ms.',
        code: 'JOB_TIMEOUT',
        requestId: accepted.headers['x-request-id'],
      },
    });
  });

  it('keeps jobs beyond `concurrency` queued until a slot frees', async () => {
    const { url } = await start({ jobs: { concurrency: 1 } });
    const [first, second] = [newGate(), newGate()];
    const a = await request(url).post('/api/exports').send({ name: 'a', gate: first });
    const b = await request(url).post('/api/exports').send({ name: 'b', gate: second });
    const aRunning = await pollUntil(url, a.body.statusUrl, (r) => r.body.status === 'running');
    expect(aRunning.body.status).toBe('running');
    const bQueued = await request(url).get(b.body.statusUrl);
    expect(bQueued.status).toBe(200);
    expect(bQueued.body.status).toBe('queued');
    expect(bQueued.body.startedAt).toBeUndefined();
    expect(bQueued.headers['retry-after']).toBe('1');
    openGate(first);
    expect((await pollUntil(url, a.body.statusUrl, finished)).status).toBe(303);
    const bRunning = await pollUntil(url, b.body.statusUrl, (r) => r.body.status === 'running');
    expect(bRunning.body.status).toBe('running');
    openGate(second);
    expect((await pollUntil(url, b.body.statusUrl, finished)).status).toBe(303);
  });

  it('answers 503 + Retry-After once the waiting room (`maxWaiting`) is full', async () => {
    const { url } = await start({
      jobs: { concurrency: 1, maxWaiting: 1, typicalDurationMs: 3_000 },
    });
    const gateName = newGate();
    const first = await request(url).post('/api/exports').send({ name: 'a', gate: gateName });
    expect(first.status).toBe(202);
    await pollUntil(url, first.body.statusUrl, (r) => r.body.status === 'running');
    const second = await request(url).post('/api/exports').send({ name: 'b', gate: gateName });
    expect(second.status).toBe(202); // waits: the room holds one
    const busy = await request(url).post('/api/exports').send({ name: 'c' });
    expect(busy.status).toBe(503);
    // One job over the room, one slot, 3 s a run.
    expect(busy.headers['retry-after']).toBe('3');
    expect(busy.headers.location).toBeUndefined();
    expect(busy.body).toEqual({
      error: 'Service Unavailable',
      message: 'Too many jobs are waiting to start; try again in 3 seconds.',
      code: 'JOBS_BUSY',
      retryAfter: 3,
      requestId: busy.headers['x-request-id'],
    });
    openGate(gateName);
    expect((await pollUntil(url, second.body.statusUrl, finished)).status).toBe(303);
  });

  it('answers 202 only for a job that can start before `startWithinMs`, else 503 + Retry-After', async () => {
    const { url } = await start({
      jobs: { concurrency: 2, startWithinMs: 2_000, typicalDurationMs: 1_000 },
    });
    const gateName = newGate();
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < 8; i++) {
      const res = await request(url)
        .post('/api/exports')
        .send({ name: `d${i}`, gate: gateName });
      statuses.push(res.status);
      if (res.status === 503) refused ??= res;
    }
    // 2 run at once, 1 s a run: 2 start now, 2 after 1 s, 2 after 2 s; the 7th would wait 3 s.
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 503, 503]);
    expect(refused!.headers['retry-after']).toBe('1');
    expect(refused!.body).toMatchObject({ code: 'JOBS_BUSY', retryAfter: 1 });
    openGate(gateName);
  });

  it('retries a processor that throws, as `attempts` allows, then succeeds', async () => {
    const { url } = await start({ jobs: { attempts: 3, retryDelayMs: 10 } });
    const name = `flaky-${newGate()}`;
    const accepted = await request(url).post('/api/exports').send({ name, outcome: 'flaky' });
    const done = await pollUntil(url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(303);
    expect(FLAKY_RUNS.get(name)).toBe(3);
  });

  it('fails a processor that keeps failing after `attempts` runs, with its real error', async () => {
    const { url } = await start({ jobs: { attempts: 2, retryDelayMs: 10 } });
    const name = `flaky-${newGate()}`;
    const accepted = await request(url).post('/api/exports').send({ name, outcome: 'flaky' });
    const done = await pollUntil(url, accepted.body.statusUrl, finished);
    expect(FLAKY_RUNS.get(name)).toBe(2);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'failed',
      error: {
        code: 'INTERNAL_ERROR',
        message: GENERIC_500,
        requestId: accepted.headers['x-request-id'],
      },
    });
  });

  it('does not retry a 4xx domain error: one run, failed with its body', async () => {
    const { url } = await start({ jobs: { attempts: 5, retryDelayMs: 10 } });
    const accepted = await request(url)
      .post('/api/exports')
      .send({ name: 'c4', outcome: 'conflict' });
    const done = await pollUntil(url, accepted.body.statusUrl, finished);
    expect(done.body).toMatchObject({ status: 'failed', error: { code: 'CONFLICT' } });
  });

  it('forgets a finished job after `ttlMs`: the monitor then answers 404', async () => {
    const { url } = await start({ jobs: { ttlMs: 100 } });
    const accepted = await request(url).post('/api/exports').send({ name: 't' });
    const done = await pollUntil(url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(303);
    const gone = await pollUntil(url, accepted.body.statusUrl, (r) => r.status !== 303);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('JOB_NOT_FOUND');
  });

  it('writes a failed job\'s error as RFC 9457 problem details with errors.format: "problem"', async () => {
    const { url } = await start({ errors: { format: 'problem' } });
    const accepted = await request(url)
      .post('/api/exports')
      .send({ name: 'd', outcome: 'conflict' });
    const done = await pollUntil(url, accepted.body.statusUrl, finished);
    expect(done.body.status).toBe('failed');
    expect(done.body.error).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'An export named d already exists.',
      instance: accepted.body.statusUrl,
      code: 'CONFLICT',
      requestId: accepted.headers['x-request-id'],
      field: 'name',
    });
  });

  it('takes the jobs options from forRootAsync too', async () => {
    const app = await startApp(
      {
        imports: [
          StatusModule.forRootAsync({ useFactory: () => ({ jobs: { idPrefix: 'cfg-' } }) }),
        ],
        controllers: [ExportsController],
        providers: EXPORT_PROCESSORS,
      },
      makeAdapter,
    );
    apps.push(app);
    const accepted = await request(app.url).post('/api/exports/counts');
    expect(accepted.status).toBe(202);
    expect(accepted.body.jobId).toMatch(/^cfg-/);
    const done = await pollUntil(app.url, accepted.body.statusUrl, finished);
    expect(done.body).toMatchObject({ status: 'succeeded', result: { count: 3 } });
  });

  it('gives absolute Locations (202 and 303) with success.absoluteLocations, the body keeping paths', async () => {
    const { url } = await start({ success: { absoluteLocations: true } });
    const accepted = await request(url).post('/api/exports').send({ name: 'abs' });
    expect(accepted.headers.location).toBe(`${url}${accepted.body.statusUrl}`);
    expect(accepted.body.statusUrl).toMatch(/^\/api\/exports\/jobs\//);
    const done = await pollUntil(url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`${url}/api/exports/${accepted.body.jobId.slice(-12)}`);
  });
});
