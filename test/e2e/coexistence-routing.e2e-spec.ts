import { VersioningType } from '@nestjs/common';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  ItemsController,
  ThingsV1Controller,
  ThingsV2Controller,
} from './fixtures/coexistence.fixture';

/** Our envelope, exactly, with a request id that is also the `X-Request-Id` header. */
function expectEnvelope(
  res: request.Response,
  status: number,
  error: string,
  code: string,
  message: string,
): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.body).toEqual({ error, message, code, requestId: expect.stringMatching(REQUEST_ID) });
  expect(res.headers['x-request-id']).toBe(res.body.requestId);
}

describe.each(ADAPTERS)("app.setGlobalPrefix('api') on %s", (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [ItemsController] },
      makeAdapter,
      (app) => {
        app.setGlobalPrefix('api');
      },
    );
    http = request(running.url);
  });
  afterAll(() => running.close());

  it('gives a 201 the Location under the prefix', async () => {
    const res = await http.post('/api/items').send({ name: 'two' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/items/${res.body.id}`);
    expect(res.body).toEqual({ id: expect.any(String), name: 'two', version: 1 });
  });

  it('answers a prefixed route, and 404 for a null GET', async () => {
    const res = await http.get('/api/items/1');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: '1', name: 'one', version: 1 });
    expect(res.headers.etag).toMatch(/^"\d+-\d+"$/);
    expectEnvelope(
      await http.get('/api/items/9'),
      404,
      'Not Found',
      'NOT_FOUND',
      'The requested resource was not found.',
    );
  });

  it('answers another method on a prefixed path with 405 and its Allow', async () => {
    const res = await http.delete('/api/items/1');
    expectEnvelope(
      res,
      405,
      'Method Not Allowed',
      'METHOD_NOT_ALLOWED',
      'DELETE is not allowed on /api/items/1. Allowed: GET, HEAD, OPTIONS.',
    );
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    const options = await http.options('/api/items/1');
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('answers an unknown path under the prefix, or the prefix alone, with 404 in our envelope', async () => {
    expectEnvelope(
      await http.get('/api/nope'),
      404,
      'Not Found',
      'ROUTE_NOT_FOUND',
      'No route matches GET /api/nope.',
    );
    expectEnvelope(
      await http.get('/api'),
      404,
      'Not Found',
      'ROUTE_NOT_FOUND',
      'No route matches GET /api.',
    );
  });

  // Nest mounts its not-found handler under the prefix only; on Express a path outside it reaches
  // Express's final handler, which the platform answers from (`answerExpressLeftovers`).
  it('answers a path outside the prefix with 404 in our envelope', async () => {
    expectEnvelope(
      await http.get('/items/1'),
      404,
      'Not Found',
      'ROUTE_NOT_FOUND',
      'No route matches GET /items/1.',
    );
    // Without the prefix the path is unknown: no 405 either.
    expectEnvelope(
      await http.delete('/items/1'),
      404,
      'Not Found',
      'ROUTE_NOT_FOUND',
      'No route matches DELETE /items/1.',
    );
  });
});

describe.each(ADAPTERS)('URI versioning on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [ThingsV1Controller, ThingsV2Controller] },
      makeAdapter,
      (app) => {
        app.enableVersioning({ type: VersioningType.URI });
      },
    );
    http = request(running.url);
  });
  afterAll(() => running.close());

  it('answers each version from its own handler, and 404 for a null GET', async () => {
    const v1 = await http.get('/v1/things/1');
    expect(v1.status).toBe(200);
    expect(v1.body).toEqual({ id: '1', v: 1 });
    const v2 = await http.get('/v2/things/1');
    expect(v2.status).toBe(200);
    expect(v2.body).toEqual({ id: '1', v: 2 });
    expect(v2.headers.etag).not.toBe(v1.headers.etag);
    expectEnvelope(
      await http.get('/v2/things/9'),
      404,
      'Not Found',
      'NOT_FOUND',
      'The requested resource was not found.',
    );
  });

  it('gives a 201 the Location under its version', async () => {
    const res = await http.post('/v1/things').send({ name: 'x' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/v1/things/7');
  });

  it('answers an unknown version, or none, with 404 in our envelope', async () => {
    expectEnvelope(
      await http.get('/v3/things/1'),
      404,
      'Not Found',
      'ROUTE_NOT_FOUND',
      'No route matches GET /v3/things/1.',
    );
    expectEnvelope(
      await http.get('/things/1'),
      404,
      'Not Found',
      'ROUTE_NOT_FOUND',
      'No route matches GET /things/1.',
    );
  });

  it('answers another method on a versioned path with 405 and the Allow of that version', async () => {
    const v1 = await http.delete('/v1/things/1');
    expectEnvelope(
      v1,
      405,
      'Method Not Allowed',
      'METHOD_NOT_ALLOWED',
      'DELETE is not allowed on /v1/things/1. Allowed: GET, HEAD, OPTIONS.',
    );
    expect(v1.headers.allow).toBe('GET, HEAD, OPTIONS');
    // v2 has no POST on its collection: only v1 does.
    const v2 = await http.post('/v2/things').send({ name: 'x' });
    expect(v2.status).toBe(404);
    expect(v2.body.code).toBe('ROUTE_NOT_FOUND');
    const v1Collection = await http.get('/v1/things');
    expectEnvelope(
      v1Collection,
      405,
      'Method Not Allowed',
      'METHOD_NOT_ALLOWED',
      'GET is not allowed on /v1/things. Allowed: OPTIONS, POST.',
    );
    expect(v1Collection.headers.allow).toBe('OPTIONS, POST');
  });
});
