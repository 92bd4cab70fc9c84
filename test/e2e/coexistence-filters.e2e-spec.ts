import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import request from 'supertest';
import {
  NotFoundError,
  PreconditionFailedError,
  StatusModule,
  ValidationFailedError,
} from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  CatchAllFilter,
  ItemLockedError,
  ItemsController,
  reportedBySubclass,
  ReportingStatusFilter,
  UserError,
  UserErrorFilter,
} from './fixtures/coexistence.fixture';

/** Our envelope, with a request id that is also the `X-Request-Id` header. */
function expectEnvelope(res: request.Response, status: number, error: string, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.body).toMatchObject({ error, code, message: expect.any(String) });
  expect(res.body.requestId).toMatch(REQUEST_ID);
  expect(res.headers['x-request-id']).toBe(res.body.requestId);
}

describe.each(ADAPTERS)(
  "a user's global filter for their own error, next to ours, on %s",
  (_name, makeAdapter) => {
    const caught: unknown[] = [];
    let running: RunningApp;
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      running = await startApp(
        { imports: [StatusModule.forRoot()], controllers: [ItemsController] },
        makeAdapter,
        (app) => {
          app.useGlobalFilters(new UserErrorFilter(caught));
        },
      );
      http = request(running.url);
    });
    afterAll(() => running.close());
    beforeEach(() => {
      caught.length = 0;
    });

    it('answers its own error with its own body; ours never sees it', async () => {
      const res = await http.get('/items/1/user-error');
      expect(res.status).toBe(418);
      expect(res.body).toEqual({ userError: 'user code failed on 1' });
      expect(caught).toEqual([expect.any(UserError)]);
    });

    it.each([
      ['a domain error', 'get', '/items/1/locked', 409, 'Conflict', 'ITEM_LOCKED'],
      ['a null GET', 'get', '/items/9', 404, 'Not Found', 'NOT_FOUND'],
      ['an unknown route', 'get', '/nope', 404, 'Not Found', 'ROUTE_NOT_FOUND'],
      ['a wrong method', 'delete', '/items/1', 405, 'Method Not Allowed', 'METHOD_NOT_ALLOWED'],
    ] as const)('leaves %s to ours', async (_what, method, path, status, error, code) => {
      const res = await http[method](path);
      expectEnvelope(res, status, error, code);
      expect(caught).toEqual([]);
    });
  },
);

describe.each(ADAPTERS)(
  "a user's catch-all global filter, next to ours, on %s",
  (_name, makeAdapter) => {
    const caught: unknown[] = [];
    let running: RunningApp;
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      running = await startApp(
        { imports: [StatusModule.forRoot()], controllers: [ItemsController] },
        makeAdapter,
        {
          // The app's own catch-all filter answers everything in its own shape.
          contract: false,
          setup: (app) => {
            app.useGlobalFilters(new CatchAllFilter(caught));
          },
        },
      );
      http = request(running.url);
    });
    afterAll(() => running.close());
    beforeEach(() => {
      caught.length = 0;
    });

    // `app.useGlobalFilters` is asked before the filters of providers (ours is an APP_FILTER), so a
    // catch-all of the user's answers every error a route throws, and the ones decided after the
    // interceptors too: they are thrown where Nest sends the result, inside the route's handler.
    it.each([
      ['a domain error', '/items/1/locked', {}, 409, 'ItemLockedError', ItemLockedError],
      ['a null GET', '/items/9', {}, 404, 'NotFoundError', NotFoundError],
      [
        'a 412 on a plain GET',
        '/items/1',
        { 'If-Match': '"stale"' },
        412,
        'PreconditionFailedError',
        PreconditionFailedError,
      ],
      ['an unknown route', '/nope', {}, 404, 'NotFoundException', NotFoundException],
    ] as const)('answers %s itself', async (_what, path, headers, status, name, type) => {
      const res = await http.get(path).set(headers);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ caughtBy: 'user', name });
      expect(caught).toEqual([expect.any(type)]);
    });

    it('answers the validation 422 itself', async () => {
      const res = await http.post('/items').send({ name: 5 });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ caughtBy: 'user', name: 'ValidationFailedError' });
      expect(caught).toEqual([expect.any(ValidationFailedError)]);
    });

    it('answers a wrong method as the 404 it is given: no 405, no Allow', async () => {
      const res = await http.delete('/items/1');
      expect(res.status).toBe(404);
      expect(res.headers.allow).toBeUndefined();
      expect(res.body).toEqual({ caughtBy: 'user', name: 'NotFoundException' });
      expect(caught).toEqual([expect.any(NotFoundException)]);
    });

    it("answers malformed JSON itself, given the adapter's own exception", async () => {
      const res = await http
        .post('/items')
        .set('Content-Type', 'application/json')
        .send('{"name":');
      expect(res.status).toBe(400);
      // Express's body parser fails in Nest's middleware; Fastify's parser fails in Fastify.
      const name = _name === 'express' ? 'BadRequestException' : 'HttpException';
      expect(res.body).toEqual({ caughtBy: 'user', name });
      expect(caught).toEqual([
        expect.any(_name === 'express' ? BadRequestException : HttpException),
      ]);
    });

    it('still leaves successes, and the 304 of a plain GET, to us', async () => {
      const res = await http.get('/items/1');
      expect(res.status).toBe(200);
      const again = await http.get('/items/1').set('If-None-Match', res.headers.etag);
      expect(again.status).toBe(304);
      expect(caught).toEqual([]);
    });
  },
);

describe.each(ADAPTERS)(
  'a subclass of our filter used in its place on %s',
  (_name, makeAdapter) => {
    let running: RunningApp;
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      running = await startApp(
        {
          imports: [StatusModule.forRoot()],
          controllers: [ItemsController],
          providers: [ReportingStatusFilter],
        },
        makeAdapter,
        (app) => {
          app.useGlobalFilters(app.get(ReportingStatusFilter));
        },
      );
      http = request(running.url);
    });
    afterAll(() => running.close());
    beforeEach(() => {
      reportedBySubclass.length = 0;
    });

    it.each([
      [
        'a domain error',
        'get',
        '/items/1/locked',
        {},
        409,
        'Conflict',
        'ITEM_LOCKED',
        ItemLockedError,
      ],
      ['a null GET', 'get', '/items/9', {}, 404, 'Not Found', 'NOT_FOUND', NotFoundError],
      [
        'a 412 on a plain GET',
        'get',
        '/items/1',
        { 'If-Match': '"stale"' },
        412,
        'Precondition Failed',
        'PRECONDITION_FAILED',
        PreconditionFailedError,
      ],
      [
        'an unknown route',
        'get',
        '/nope',
        {},
        404,
        'Not Found',
        'ROUTE_NOT_FOUND',
        NotFoundException,
      ],
      [
        'a wrong method',
        'delete',
        '/items/1',
        {},
        405,
        'Method Not Allowed',
        'METHOD_NOT_ALLOWED',
        NotFoundException,
      ],
      [
        "the user's own error",
        'get',
        '/items/1/user-error',
        {},
        500,
        'Internal Server Error',
        'INTERNAL_ERROR',
        UserError,
      ],
    ] as const)(
      'logs %s, then answers it as ours does',
      async (_what, method, path, headers, status, error, code, type) => {
        const res = await http[method](path).set(headers);
        expectEnvelope(res, status, error, code);
        expect(reportedBySubclass).toEqual([expect.any(type)]);
      },
    );

    it("never sends the user's error message in a 500", async () => {
      const res = await http.get('/items/1/user-error');
      expect(res.status).toBe(500);
      expect(res.text).not.toContain('user code failed');
    });

    it('gives the 405 its Allow header', async () => {
      const res = await http.delete('/items/1');
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    });

    it('logs the validation 422 and answers it with its details', async () => {
      const res = await http.post('/items').send({ name: 5 });
      expectEnvelope(res, 422, 'Unprocessable Content', 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'name' })]);
      expect(reportedBySubclass).toEqual([expect.any(ValidationFailedError)]);
    });

    it('is not handed successes', async () => {
      expect((await http.get('/items/1')).status).toBe(200);
      expect(reportedBySubclass).toEqual([]);
    });
  },
);

describe.each(ADAPTERS)(
  'filters of the user registered as APP_FILTER on %s',
  (_name, makeAdapter) => {
    let running: RunningApp | undefined;
    afterEach(() => running?.close());

    // Both are app-wide providers and ours catches everything: Nest asks ours, the user's never.
    it('a catch-all APP_FILTER is never asked: ours answers everything', async () => {
      const caught: unknown[] = [];
      running = await startApp(
        {
          imports: [StatusModule.forRoot()],
          controllers: [ItemsController],
          providers: [{ provide: APP_FILTER, useValue: new CatchAllFilter(caught) }],
        },
        makeAdapter,
      );
      const http = request(running.url);
      expectEnvelope(await http.get('/items/1/locked'), 409, 'Conflict', 'ITEM_LOCKED');
      expectEnvelope(await http.get('/items/9'), 404, 'Not Found', 'NOT_FOUND');
      expectEnvelope(await http.get('/nope'), 404, 'Not Found', 'ROUTE_NOT_FOUND');
      expect(caught).toEqual([]);
    });

    it('a subclass of ours as APP_FILTER is never asked either: its logging does not run', async () => {
      reportedBySubclass.length = 0;
      running = await startApp(
        {
          imports: [StatusModule.forRoot()],
          controllers: [ItemsController],
          providers: [{ provide: APP_FILTER, useClass: ReportingStatusFilter }],
        },
        makeAdapter,
      );
      const http = request(running.url);
      expectEnvelope(await http.get('/items/1/locked'), 409, 'Conflict', 'ITEM_LOCKED');
      expectEnvelope(await http.get('/items/9'), 404, 'Not Found', 'NOT_FOUND');
      expect(reportedBySubclass).toEqual([]);
    });

    it('a subclass of ours registered by the app with errors: false logs, then answers in our envelope (the option only leaves out our APP_FILTER)', async () => {
      reportedBySubclass.length = 0;
      running = await startApp(
        {
          imports: [StatusModule.forRoot({ errors: false })],
          controllers: [ItemsController],
          providers: [ReportingStatusFilter],
        },
        makeAdapter,
        {
          // The document says nothing of our errors when the module's filter is off.
          contract: false,
          setup: (app) => {
            app.useGlobalFilters(app.get(ReportingStatusFilter));
          },
        },
      );
      const res = await request(running.url).get('/items/1/locked');
      expectEnvelope(res, 409, 'Conflict', 'ITEM_LOCKED');
      expect(reportedBySubclass).toEqual([expect.any(ItemLockedError)]);
    });
  },
);
