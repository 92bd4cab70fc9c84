import { APP_INTERCEPTOR } from '@nestjs/core';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  ErrorMappingInterceptor,
  ItemsController,
  LoggingInterceptor,
  Seen,
} from './fixtures/coexistence.fixture';

const ITEM = { id: '1', name: 'one', version: 1 };

/** Our envelope, with a request id that is also the `X-Request-Id` header. */
function expectEnvelope(
  res: request.Response,
  status: number,
  fields: { error: string; code: string; [extra: string]: unknown },
): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.body).toEqual({
    message: expect.any(String),
    ...fields,
    ...(res.body.details ? { details: expect.any(Array) } : {}),
    requestId: expect.stringMatching(REQUEST_ID),
  });
  expect(res.headers['x-request-id']).toBe(res.body.requestId);
}

describe.each(ADAPTERS)("a user's app-wide logging interceptor on %s", (_name, makeAdapter) => {
  // The same interceptor registered both ways users do: as a provider and on the app.
  const viaProvider: Seen[] = [];
  const viaApp: Seen[] = [];
  let running: RunningApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    running = await startApp(
      {
        imports: [StatusModule.forRoot()],
        controllers: [ItemsController],
        providers: [{ provide: APP_INTERCEPTOR, useValue: new LoggingInterceptor(viaProvider) }],
      },
      makeAdapter,
      (app) => {
        app.useGlobalInterceptors(new LoggingInterceptor(viaApp));
      },
    );
    http = request(running.url);
  });
  afterAll(() => running.close());
  beforeEach(() => {
    viaProvider.length = 0;
    viaApp.length = 0;
  });

  /** What both registrations saw: the same, one entry per request. */
  function seen(): Seen[] {
    expect(viaApp).toEqual(viaProvider);
    return viaProvider;
  }

  it('200: sees the value the client gets, with status 200', async () => {
    const res = await http.get('/items/1');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toMatch(/^"\d+-\d+"$/);
    expect(res.body).toEqual(ITEM);
    expect(seen()).toEqual([
      { request: 'GET /items/1', values: [ITEM], completed: true, statusCode: 200 },
    ]);
  });

  it('201 @Created: sees the entity and status 201; the Location is added after it', async () => {
    const res = await http.post('/items').send({ name: 'two' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/items/2');
    expect(res.body).toEqual({ id: '2', name: 'two', version: 1 });
    expect(seen()).toEqual([
      { request: 'POST /items', values: [res.body], completed: true, statusCode: 201 },
    ]);
  });

  it('204 for an undefined result: sees `undefined` and the route status 200, the client gets 204', async () => {
    const res = await http.put('/items/1/touch');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    expect(seen()).toEqual([
      { request: 'PUT /items/1/touch', values: [undefined], completed: true, statusCode: 200 },
    ]);
  });

  it('the request id: not assigned yet when the outcome reaches it, even when the client sent one', async () => {
    const ok = await http.get('/items/1').set('X-Request-Id', 'client-id-1');
    expect(ok.headers['x-request-id']).toBe('client-id-1');
    const failed = await http.get('/items/1/locked').set('X-Request-Id', 'client-id-2');
    expect(failed.body.requestId).toBe('client-id-2');
    expect(seen().map((entry) => entry.requestId)).toEqual([undefined, undefined]);
    expect(seen().map((entry) => Object.hasOwn(entry, 'requestId'))).toEqual([true, true]);
  });

  it('a domain error thrown by the handler: sees that error, the client gets it in our envelope', async () => {
    const res = await http.get('/items/1/locked');
    expectEnvelope(res, 409, { error: 'Conflict', code: 'ITEM_LOCKED' });
    expect(res.body.message).toBe('Item 1 is locked.');
    expect(seen()).toEqual([
      {
        request: 'GET /items/1/locked',
        values: [],
        error: { name: 'ItemLockedError', status: 409 },
        completed: false,
        statusCode: 200,
      },
    ]);
  });

  it('a validation 422: pipes run inside the interceptors, so it sees ValidationFailedError', async () => {
    const res = await http.post('/items').send({ name: 5 });
    expectEnvelope(res, 422, { error: 'Unprocessable Content', code: 'VALIDATION_FAILED' });
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'name' })]);
    expect(seen()).toEqual([
      {
        request: 'POST /items',
        values: [],
        error: { name: 'ValidationFailedError', status: 422 },
        completed: false,
        statusCode: 201,
      },
    ]);
  });

  it('a GET returning null: sees `null`, no error and status 200, while the client gets 404', async () => {
    const res = await http.get('/items/9');
    expectEnvelope(res, 404, { error: 'Not Found', code: 'NOT_FOUND' });
    expect(res.headers.etag).toBeUndefined();
    expect(seen()).toEqual([
      { request: 'GET /items/9', values: [null], completed: true, statusCode: 200 },
    ]);
  });

  it('304 on a plain GET: sees the full value and status 200, while the client gets 304', async () => {
    const first = await http.get('/items/1');
    viaProvider.length = 0;
    viaApp.length = 0;
    const res = await http.get('/items/1').set('If-None-Match', first.headers.etag);
    expect(res.status).toBe(304);
    expect(res.text).toBe('');
    expect(res.headers.etag).toBe(first.headers.etag);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(seen()).toEqual([
      { request: 'GET /items/1', values: [ITEM], completed: true, statusCode: 200 },
    ]);
  });

  it('412 on a plain GET: sees the value and no error, while the client gets 412', async () => {
    const res = await http.get('/items/1').set('If-Match', '"not-the-tag"');
    expectEnvelope(res, 412, {
      error: 'Precondition Failed',
      code: 'PRECONDITION_FAILED',
      currentVersion: expect.stringMatching(/^\d+-\d+$/),
    });
    expect(seen()).toEqual([
      { request: 'GET /items/1', values: [ITEM], completed: true, statusCode: 200 },
    ]);
  });

  it('on an @ETag route as on a plain one: sees the value and no error, while the client gets 304 or 412', async () => {
    const notModified = await http.get('/items/1/versioned').set('If-None-Match', '"v1"');
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe('"v1"');
    expect(notModified.text).toBe('');
    const failed = await http.get('/items/1/versioned').set('If-Match', '"v2"');
    expectEnvelope(failed, 412, {
      error: 'Precondition Failed',
      code: 'PRECONDITION_FAILED',
      currentVersion: 'v1',
    });
    // One conditional engine decides at the reply, after every interceptor, for every route.
    expect(seen()).toEqual([
      { request: 'GET /items/1/versioned', values: [ITEM], completed: true, statusCode: 200 },
      { request: 'GET /items/1/versioned', values: [ITEM], completed: true, statusCode: 200 },
    ]);
  });

  it('requests answered before any route (404, 405, malformed JSON, 415) never reach it', async () => {
    const missing = await http.get('/nope');
    expectEnvelope(missing, 404, { error: 'Not Found', code: 'ROUTE_NOT_FOUND' });
    const wrongMethod = await http.delete('/items/1');
    expectEnvelope(wrongMethod, 405, { error: 'Method Not Allowed', code: 'METHOD_NOT_ALLOWED' });
    expect(wrongMethod.headers.allow).toBe('GET, HEAD, OPTIONS');
    const malformed = await http
      .post('/items')
      .set('Content-Type', 'application/json')
      .send('{"name":');
    expectEnvelope(malformed, 400, { error: 'Bad Request', code: 'MALFORMED_JSON' });
    const media = await http.post('/items').set('Content-Type', 'text/plain').send('name');
    expectEnvelope(media, 415, { error: 'Unsupported Media Type', code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(seen()).toEqual([]);
  });
});

describe.each(ADAPTERS)("a user's catchError interceptor on %s", (_name, makeAdapter) => {
  const caught: { name: string; status?: number }[] = [];
  let running: RunningApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [ItemsController] },
      makeAdapter,
      (app) => {
        app.useGlobalInterceptors(new ErrorMappingInterceptor(caught));
      },
    );
    http = request(running.url);
  });
  afterAll(() => running.close());
  beforeEach(() => {
    caught.length = 0;
  });

  it('rethrown: the client gets our envelope for the very error it caught', async () => {
    const res = await http.get('/items/1/locked');
    expectEnvelope(res, 409, { error: 'Conflict', code: 'ITEM_LOCKED' });
    expect(res.body.message).toBe('Item 1 is locked.');
    expect(caught).toEqual([{ name: 'ItemLockedError', status: 409 }]);
  });

  it('mapped to a domain error of ours: the client gets the mapped one, in our envelope', async () => {
    const res = await http.get('/items/1/user-error');
    expectEnvelope(res, 404, { error: 'Not Found', code: 'NOT_FOUND' });
    expect(res.body.message).toBe('Mapped by the user: no such item.');
    expect(caught).toEqual([{ name: 'UserError' }]);
  });

  it('replaced by a value: the client gets a 200 of that value, tagged like any other', async () => {
    const res = await http.get('/items/1/locked?fallback=1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ fallback: true });
    expect(res.headers.etag).toMatch(/^"\d+-\d+"$/);
    expect(caught).toEqual([{ name: 'ItemLockedError', status: 409 }]);
  });

  it('catches the validation 422 (pipes run inside it)', async () => {
    const res = await http.post('/items').send({});
    expectEnvelope(res, 422, { error: 'Unprocessable Content', code: 'VALIDATION_FAILED' });
    expect(caught).toEqual([{ name: 'ValidationFailedError', status: 422 }]);
  });

  it('cannot catch the 404 of a null GET nor a 412: they are decided after it', async () => {
    const missing = await http.get('/items/9?fallback=1');
    expectEnvelope(missing, 404, { error: 'Not Found', code: 'NOT_FOUND' });
    const failed = await http.get('/items/1?fallback=1').set('If-Match', '"stale"');
    expectEnvelope(failed, 412, {
      error: 'Precondition Failed',
      code: 'PRECONDITION_FAILED',
      currentVersion: expect.any(String),
    });
    expect(caught).toEqual([]);
  });
});
