import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { finished, pollUntil } from '../e2e/fixtures/jobs-polling';
import { REQUEST_ID } from '../support/http-app';
import { describeWithRedis } from '../support/redis-server';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

const JOB_ID = /^rpt-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REPORT_URL = /^\/api\/reports\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEED_SUMMARY = { users: 2, documents: 1, orders: { pending: 1, shipped: 1 } };

describe.each(SAMPLE_ADAPTERS)('sample reports on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    // Long enough that the first poll finds the job pending; short enough for a fast suite.
    sample = await startSample(adapter, { reportDelayMs: 300 });
    http = request(sample.url);
  });
  afterAll(() => sample.close());

  it("answers the guide's create example: 202 Accepted, Location, { jobId, status, statusUrl }", async () => {
    const res = await http.post('/api/reports').send({ type: 'annual', year: 2025 });
    expect(res.status).toBe(202);
    // The status line's reason phrase, as the guide prints it.
    expect((res as unknown as { res: { statusMessage: string } }).res.statusMessage).toBe(
      'Accepted',
    );
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(res.body.jobId).toMatch(JOB_ID);
    expect(res.text).toBe(
      `{"jobId":"${res.body.jobId}","status":"queued","statusUrl":"/api/reports/jobs/${res.body.jobId}"}`,
    );
    expect(res.headers.location).toBe(`/api/reports/jobs/${res.body.jobId}`);
  });

  it('follows a report to its end: 202 → 200 + Retry-After → 303 + Location → 200 the report', async () => {
    const accepted = await http.post('/api/reports').send({ type: 'quarterly', year: 2025 });
    expect(accepted.status).toBe(202);
    const { jobId, statusUrl } = accepted.body;

    const pending = await http.get(statusUrl);
    expect(pending.status).toBe(200);
    expect(pending.headers['retry-after']).toBe('1');
    expect(pending.body).toMatchObject({
      jobId,
      status: expect.stringMatching(/^(queued|running)$/),
    });

    const done = await pollUntil(sample.url, statusUrl, finished);
    expect(done.status).toBe(303);
    expect(done.headers.location).toMatch(REPORT_URL);
    expect(done.body).toMatchObject({
      jobId,
      status: 'succeeded',
      resultUrl: done.headers.location,
    });

    const report = await http.get(done.headers.location);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      id: done.headers.location.split('/').pop(),
      type: 'quarterly',
      year: 2025,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      summary: SEED_SUMMARY,
    });
  });

  it('shows a report that cannot be made as failed, its error in the envelope', async () => {
    const year = new Date().getUTCFullYear();
    const accepted = await http.post('/api/reports').send({ type: 'annual', year });
    expect(accepted.status).toBe(202);
    const done = await pollUntil(sample.url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(200);
    expect(done.headers.location).toBeUndefined();
    expect(done.body).toMatchObject({
      jobId: accepted.body.jobId,
      status: 'failed',
      error: {
        error: 'Conflict',
        message: `The books for ${year} are not closed yet, so its annual report cannot be made.`,
        code: 'BOOKS_NOT_CLOSED',
        year,
        requestId: accepted.headers['x-request-id'],
      },
    });
  });

  it('answers malformed JSON with 400 and broken rules with 422, starting no job', async () => {
    const malformed = await http
      .post('/api/reports')
      .set('Content-Type', 'application/json')
      .send('{ "type": "annual", "year": }');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('MALFORMED_JSON');
    expect(malformed.headers.location).toBeUndefined();

    const invalid = await http.post('/api/reports').send({ type: 'weekly', year: '2025' });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.location).toBeUndefined();
    expect(invalid.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(invalid.body.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['type', 'year']),
    );
    expect(invalid.body.details).toContainEqual(
      expect.objectContaining({ field: 'type', message: 'Type must be "annual" or "quarterly".' }),
    );
  });

  it('answers an unknown job and an unknown report with 404 in the envelope', async () => {
    const job = await http.get('/api/reports/jobs/rpt-abc-123');
    expect(job.status).toBe(404);
    expect(job.body).toEqual({
      error: 'Not Found',
      message: 'No such job: it never existed or its record has expired.',
      code: 'JOB_NOT_FOUND',
      requestId: job.headers['x-request-id'],
    });
    const report = await http.get('/api/reports/00000000-0000-0000-0000-000000000000');
    expect(report.status).toBe(404);
    expect(report.body).toEqual({
      error: 'Not Found',
      message: 'Report 00000000-0000-0000-0000-000000000000 was not found.',
      code: 'REPORT_NOT_FOUND',
      requestId: report.headers['x-request-id'],
    });
  });
});

describeWithRedis('two sample instances sharing REDIS_URL and the database', (server) => {
  let dir: string;
  let a: RunningSample;
  let b: RunningSample;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nestjs-status-reports-'));
    const shared = { redisUrl: server().url, databasePath: join(dir, 'sample.db') };
    a = await startSample('express', shared);
    b = await startSample('fastify', shared);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers for a report job accepted by the other instance, to the end', async () => {
    const accepted = await request(a.url).post('/api/reports').send({ type: 'annual', year: 2024 });
    expect(accepted.status).toBe(202);
    const done = await pollUntil(b.url, accepted.body.statusUrl, finished);
    expect(done.status).toBe(303);
    const report = await request(b.url).get(done.headers.location);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ type: 'annual', year: 2024, summary: SEED_SUMMARY });
  });
});
