import request from 'supertest';
import { StatusModule } from '../../lib';
import { captureLogs, type CapturedLogs } from '../support/captured-logs';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import { finished, pollUntil } from './fixtures/jobs-polling';
import {
  ArchiveController,
  TagCountJobsController,
  TagCountsProcessor,
  TagsController,
  TagStore,
} from './fixtures/status-results.fixture';

const GENERIC_500 = 'An unexpected error occurred. Quote the requestId when reporting it.';
const JOB_ID = /^[\w-]+$/;

/** A 204 as the guide wants it: no body, and no header claiming one. */
function expectNoContent(res: request.Response): void {
  expect(res.status).toBe(204);
  expect(res.text).toBe('');
  expect(res.headers['content-type']).toBeUndefined();
  expect(res.headers['content-length']).toBeUndefined();
  expect(res.headers.location).toBeUndefined();
}

describe.each(ADAPTERS)('a helper overrides its route’s default, on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  let logs: CapturedLogs;
  beforeEach(async () => {
    logs = captureLogs();
    running = await startApp(
      {
        imports: [StatusModule.forRoot()],
        controllers: [TagsController, TagCountJobsController, ArchiveController],
        providers: [TagStore, TagCountsProcessor],
      },
      makeAdapter,
    );
    http = request(running.url);
  });
  afterEach(async () => {
    await running.close();
    logs.restore();
  });

  it('@Created: 201 + Location by default; noContent() answers 204 instead', async () => {
    const made = await http.post('/api/tags').send({ name: 'urgent' });
    expect(made.status).toBe(201);
    expect(made.headers.location).toBe('/api/tags/t1');
    expect(made.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(made.body).toEqual({ id: 't1', name: 'urgent', uses: 0 });
    expectNoContent(await http.post('/api/tags').send({ name: 'urgent' }));
  });

  it("@Created: created(entity, location) answers with the helper's Location", async () => {
    const res = await http.post('/api/tags/named').send({ name: 'later' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/tags/by-name/later');
    expect(res.body).toEqual({ id: 't1', name: 'later', uses: 0 });
  });

  it('@NoContent: 204 whatever it returns; created() answers 201 + Location instead', async () => {
    const made = await http.patch('/api/tags/fresh');
    expect(made.status).toBe(201);
    expect(made.headers.location).toBe('/api/tags/fresh');
    expect(made.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(made.body).toEqual({ id: 't1', name: 'fresh', uses: 1 });
    expectNoContent(await http.patch('/api/tags/fresh'));
    expect((await http.get('/api/tags/fresh')).body).toEqual({ id: 't1', name: 'fresh', uses: 2 });
  });

  it('a plain PUT: 200 with the value; created() answers 201 + the request path as Location', async () => {
    const made = await http.put('/api/tags/blue');
    expect(made.status).toBe(201);
    expect(made.headers.location).toBe('/api/tags/blue');
    expect(made.body).toEqual({ id: 't1', name: 'blue', uses: 0 });
    const again = await http.put('/api/tags/blue');
    expect(again.status).toBe(200);
    expect(again.headers.location).toBeUndefined();
    expect(again.body).toEqual({ id: 't1', name: 'blue', uses: 0 });
  });

  it("@Async: the plain value is the job's input: 202 + Location of the monitor", async () => {
    const res = await http.post('/api/tags/counts/plain').send({ names: ['red'] });
    expect(res.status).toBe(202);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(res.body).toEqual({
      jobId: expect.stringMatching(JOB_ID),
      status: 'queued',
      statusUrl: `/api/tags/counts/jobs/${res.body.jobId}`,
    });
    expect(res.headers.location).toBe(res.body.statusUrl);
  });

  it('@Async: accepted(input) queues that input; created() then answers 201 with no job', async () => {
    const queued = await http.post('/api/tags/counts').send({ names: ['b', 'a'] });
    expect(queued.status).toBe(202);
    expect(queued.body).toEqual({
      jobId: expect.stringMatching(JOB_ID),
      status: 'queued',
      statusUrl: `/api/tags/counts/jobs/${queued.body.jobId}`,
    });
    expect(queued.headers.location).toBe(queued.body.statusUrl);
    const done = await pollUntil(running.url, queued.body.statusUrl, finished);
    // The job ran with accepted()'s input (sorted), not the request's body.
    expect(done.body).toMatchObject({ status: 'succeeded', result: { counted: ['a', 'b'] } });

    const counted = await http.post('/api/tags/counts').send({ names: ['a', 'b'] });
    expect(counted.status).toBe(201);
    expect(counted.headers.location).toBe('/api/tags/counts/c1');
    expect(counted.body).toEqual({ id: 'c1', total: 2 });
  });

  it('@Async: noContent() answers 204 and queues nothing', async () => {
    expectNoContent(await http.post('/api/tags/counts').send({ names: [] }));
  });

  it('accepted() from a route without @Async: a plain 500, and a log line saying what to do', async () => {
    const res = await http.post('/api/tags/misplaced').send({ name: 'x' });
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toEqual({
      error: 'Internal Server Error',
      message: GENERIC_500,
      code: 'INTERNAL_ERROR',
      requestId: res.headers['x-request-id'],
    });
    expect(logs.error.join('\n')).toContain(
      'accepted() was returned from a route without @Async(queue)',
    );
  });

  it('the value conventions: null from a GET is 404, nothing returned is 204', async () => {
    const missing = await http.get('/api/tags/none');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'Not Found', code: 'NOT_FOUND' });
    await http.post('/api/tags').send({ name: 'gone' });
    expectNoContent(await http.delete('/api/tags/gone'));
    // @DeleteMissing(204): a DELETE of nothing is a 204 too.
    expectNoContent(await http.delete('/api/tags/gone'));
  });

  it("a controller's @DeleteMissing beside a method's @Created: the Location is still the entity's", async () => {
    const res = await http.post('/api/archive').send({ name: 'old' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: { id: 'a1', name: 'old' } });
    expect(res.headers.location).toBe('/api/archive/a1');
    expectNoContent(await http.delete('/api/archive/a1'));
    expectNoContent(await http.delete('/api/archive/a1'));
  });
});
