import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { StatusModule, StatusModuleOptions } from '../../lib';
import { ADAPTERS, RunningApp, startApp } from '../support/http-app';
import { MadeController, NotesController, RowMissing } from './fixtures/responses.fixture';

function appWith(options: StatusModuleOptions = {}) {
  return { imports: [StatusModule.forRoot(options)], controllers: [NotesController] };
}

describe.each(ADAPTERS)('success statuses on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  beforeEach(async () => {
    running = await startApp(appWith(), makeAdapter);
    http = request(running.url);
  });
  afterEach(() => running.close());

  it('answers @Created with 201 and a Location of the request path plus the id', async () => {
    const res = await http.post('/api/notes').send({ title: 'a' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/notes/1');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ id: '1', title: 'a' });
  });

  it('fills a Location template from the result', async () => {
    const res = await http.post('/api/notes/templated').send({ title: 'a' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/notes/1?via=template');
  });

  it('builds an absolute Location when asked', async () => {
    const res = await http.post('/api/notes/absolute').send({ title: 'a' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${running.url}/elsewhere/1`);
  });

  it('answers null from a GET of one resource with 404, and an empty list with 200 []', async () => {
    const missing = await http.get('/api/notes/9');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'Not Found', code: 'NOT_FOUND' });
    const empty = await http.get('/api/notes/empty');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual([]);
  });

  it('answers an upsert with 201 + Location when it created, 200 when it updated', async () => {
    const first = await http.put('/api/notes/n-7').send({ title: 'first' });
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe('/api/notes/n-7');
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.body).toEqual({ id: 'n-7', title: 'first' });
    const second = await http.put('/api/notes/n-7').send({ title: 'second' });
    expect(second.status).toBe(200);
    expect(second.headers.location).toBeUndefined();
    expect(second.body).toEqual({ id: 'n-7', title: 'second' });
  });

  it('answers @NoContent with 204, no body and no Content-Type, whatever the handler returned', async () => {
    await http.post('/api/notes').send({ title: 'a' });
    const res = await http.patch('/api/notes/1').send({ title: 'b' });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['content-length']).toBeUndefined();
    expect((await http.get('/api/notes/1')).body).toEqual({ id: '1', title: 'b' });
  });

  it('answers a handler that resolves to undefined with 204, even under @HttpCode(200)', async () => {
    const res = await http.post('/api/notes/1/touch');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    const explicit = await http.post('/api/notes/1/explicit');
    expect(explicit.status).toBe(204);
    expect(explicit.text).toBe('');
    const quietDelete = await http.delete('/api/notes/1/quietly');
    expect(quietDelete.status).toBe(204);
  });

  it('keeps an explicit non-200 status such as @HttpCode(202) for an empty result', async () => {
    const res = await http.post('/api/notes/1/queue');
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
  });

  it('answers DELETE with 204 and no body, then 404 by default', async () => {
    await http.post('/api/notes').send({ title: 'a' });
    const res = await http.delete('/api/notes/1');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    const again = await http.delete('/api/notes/1');
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ code: 'NOT_FOUND', message: 'Note 1 was not found.' });
  });

  it('answers DELETE with 200 when the handler returns a confirmation', async () => {
    await http.post('/api/notes').send({ title: 'a' });
    const res = await http.delete('/api/notes/1/confirmed');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: { id: '1', title: 'a' } });
  });

  it('answers DELETE of a missing resource with 204 on a @DeleteMissing(204) route', async () => {
    const res = await http.delete('/api/notes/5/idempotent');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });
});

describe.each(ADAPTERS)('@DeleteMissing(204) with a mapped error on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    const mappings = [{ error: RowMissing, status: 404 }];
    running = await startApp(appWith({ errors: { mappings } }), makeAdapter);
  });
  afterAll(() => running.close());

  it('answers 204 when the route throws an error that is a 404 only once mapped', async () => {
    const res = await request(running.url).delete('/api/notes/7/idempotent-row');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });
});

describe.each(ADAPTERS)('success.deleteMissing: 204 app-wide on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(appWith({ success: { deleteMissing: 204 } }), makeAdapter);
  });
  afterAll(() => running.close());

  it('answers every DELETE of a missing resource with 204', async () => {
    const res = await request(running.url).delete('/api/notes/404');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('still answers a GET of a missing resource with 404', async () => {
    expect((await request(running.url).get('/api/notes/404')).status).toBe(404);
  });
});

describe.each(ADAPTERS)('@Created with what handlers return, on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [MadeController] },
      makeAdapter,
    );
    http = request(running.url);
  });
  afterAll(() => running.close());

  it('gives the Location of what an async handler resolved to', async () => {
    const res = await http.post('/api/made/later').send({ title: 'a' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/made/later/p1');
    expect(res.body).toEqual({ id: 'p1', title: 'a' });
  });

  it('gives the Location of what a returned Observable emitted', async () => {
    const res = await http.post('/api/made/stream').send({ title: 'b' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toMatch(/^\/api\/made\/stream\/o\d+$/);
    expect(res.headers.location).toBe(`/api/made/stream/${res.body.id}`);
  });

  it("takes the Location from the handler's entity when a user interceptor reshapes the body", async () => {
    const res = await http.post('/api/made/wrapped').send({ title: 'c' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: { id: expect.stringMatching(/^w\d+$/), title: 'c' } });
    expect(res.headers.location).toBe(`/api/made/wrapped/${res.body.data.id}`);
  });

  it("keeps the handler's own parameters and the metadata of decorators below it", async () => {
    const res = await http.post('/api/made/audited?tag=x').send({ title: 'd' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^a\d+$/),
      audit: 'on',
      tag: 'x',
      title: 'd',
    });
    expect(res.headers.location).toBe(`/api/made/audited/${res.body.id}`);
  });

  it('sends no Location with an error the handler threw', async () => {
    const res = await http.post('/api/made/failing').send({});
    expect(res.status).toBe(404);
    expect(res.headers.location).toBeUndefined();
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('gives the Location of what an Observable a promise resolved to emitted', async () => {
    const res = await http.post('/api/made/from-client').send({ title: 'f' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^c\d+$/), title: 'f' });
    expect(res.headers.location).toBe(`/api/made/from-client/${res.body.id}`);
  });

  it("leaves a handler's own default parameters alone, and a direct call's arguments too", async () => {
    const routed = await http.post('/api/made/options').send({ title: 'g' });
    expect(routed.status).toBe(201);
    expect(routed.body).toEqual({ id: expect.stringMatching(/^t\d+$/), tag: 'route', title: 'g' });
    expect(routed.headers.location).toBe(`/api/made/options/${routed.body.id}`);
    const direct = await http.post('/api/made/options-by-hand').send({ title: 'h' });
    expect(direct.status).toBe(201);
    expect(direct.body).toEqual({
      id: expect.stringMatching(/^t\d+$/),
      tag: 'by-hand',
      title: 'h',
    });
    expect(direct.headers.location).toBe(`/api/made/options-by-hand/${direct.body.id}`);
  });

  it('lets a @Created method call another one (the inner call keeps nothing)', async () => {
    const res = await http.post('/api/made/by-hand').send({ title: 'e' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/made/by-hand/${res.body.id}`);
  });
});

describe.each(ADAPTERS)('absoluteLocations app-wide on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(appWith({ success: { absoluteLocations: true } }), makeAdapter);
  });
  afterAll(() => running.close());

  it('makes the Location of a @Created route absolute', async () => {
    const res = await request(running.url).post('/api/notes').send({ title: 'a' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${running.url}/api/notes/1`);
  });

  it('makes the Location of created() absolute too', async () => {
    const res = await request(running.url).put('/api/notes/n7').send({ title: 'a' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${running.url}/api/notes/n7`);
  });

  it('leaves the Location of a route that says absolute: false relative', async () => {
    const res = await request(running.url).post('/api/notes/relative').send({ title: 'a' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/notes/${res.body.id}`);
  });

  it('makes a filled template absolute as well', async () => {
    const res = await request(running.url).post('/api/notes/templated').send({ title: 'a' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${running.url}/api/notes/${res.body.id}?via=template`);
  });
});

/** Adapters whose `reply` is overridden by a subclass, as an app may do to post-process answers. */
class ReplyCountingExpress extends ExpressAdapter {
  replies = 0;
  override reply(response: any, body?: unknown, statusCode?: number) {
    this.replies++;
    return super.reply(response, body, statusCode);
  }
}
class ReplyCountingFastify extends FastifyAdapter {
  replies = 0;
  override reply(response: any, body?: unknown, statusCode?: number) {
    this.replies++;
    return super.reply(response, body, statusCode);
  }
}

describe.each([
  ['express', () => new ReplyCountingExpress()],
  ['fastify', () => new ReplyCountingFastify()],
] as const)('an adapter whose reply is overridden, on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let adapter: ReplyCountingExpress | ReplyCountingFastify;
  beforeAll(async () => {
    running = await startApp(appWith(), () => (adapter = makeAdapter()));
  });
  afterAll(() => running.close());

  it('still answers every success through it: the tagged 200 and the 304', async () => {
    const created = await request(running.url).post('/api/notes').send({ title: 'Via reply' });
    expect(created.status).toBe(201);
    const before = adapter.replies;
    const res = await request(running.url).get(`/api/notes/${created.body.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.etag).toMatch(/^"\d+-\d+"$/);
    expect(res.body).toEqual({ id: created.body.id, title: 'Via reply' });
    expect(adapter.replies).toBe(before + 1);
    const again = await request(running.url)
      .get(`/api/notes/${created.body.id}`)
      .set('If-None-Match', res.headers.etag);
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(res.headers.etag);
    expect(adapter.replies).toBe(before + 2);
  });
});
