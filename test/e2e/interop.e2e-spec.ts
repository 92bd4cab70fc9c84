import { HttpAdapterHost } from '@nestjs/core';
import request from 'supertest';
import { StatusExceptionFilter, StatusModule, StatusModuleOptions } from '../../lib';
import { NEST_MAJOR } from '../pins/framework-versions';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  LegacyFilter,
  NestCodesController,
  nobody,
  UsersController,
} from './fixtures/interop.fixture';

/** Each way of throwing Nest 12's `errorCode`, and what the client gets. */
const NEST_CODES = [
  ['weak-password', 400, 'Bad Request', 'Password is too weak', 'WEAK_PASSWORD', {}],
  ['teapot', 418, "I'm a Teapot", 'Nope', 'TEAPOT', {}],
  [
    'object-body',
    402,
    'Payment Required',
    'The card was declined.',
    'CARD_DECLINED',
    { plan: 'pro' },
  ],
  ['object-body-bad-request', 400, 'Bad Request', 'Coupon expired.', 'COUPON_EXPIRED', {}],
  ['not-snake', 409, 'Conflict', 'Already there.', 'ALREADY_THERE', {}],
  // What Nest 11 (no errorCode option) builds of the first case: the status's own code.
  ['no-code', 400, 'Bad Request', 'Password is too weak', 'BAD_REQUEST', {}],
] as const;

/**
 * Nest 11 has no `errorCode` option (CI runs the suite on it too): an option it ignores leaves the
 * status's own code; an `errorCode` in an object body works on both.
 */
const ON_NEST_11: Record<string, string> = {
  'weak-password': 'BAD_REQUEST',
  teapot: 'I_M_A_TEAPOT',
  'not-snake': 'CONFLICT',
};
const expectedCode = (path: string, code: string) =>
  NEST_MAJOR === 11 ? (ON_NEST_11[path] ?? code) : code;

describe.each(ADAPTERS)("Nest's errorCode as our code on %s", (_name, makeAdapter) => {
  describe.each(['envelope', 'problem'] as const)('in the %s format', (format) => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await startApp(
        {
          imports: [StatusModule.forRoot({ errors: { format } })],
          controllers: [NestCodesController],
        },
        makeAdapter,
      );
    });
    afterAll(() => running.close());

    it.each(NEST_CODES)(
      'GET /nest-codes/%s',
      async (path, status, phrase, message, nestCode, extras) => {
        const code = expectedCode(path, nestCode);
        const res = await request(running.url).get(`/nest-codes/${path}`);
        expect(res.status).toBe(status);
        const requestId = expect.stringMatching(REQUEST_ID);
        if (format === 'envelope') {
          expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
          expect(res.body).toEqual({ error: phrase, message, code, ...extras, requestId });
        } else {
          expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
          expect(res.body).toEqual({
            type: 'about:blank',
            title: phrase,
            status,
            detail: message,
            code,
            requestId,
            ...extras,
          });
        }
        expect(res.headers['x-request-id']).toBe(res.body.requestId);
        expect(res.body).not.toHaveProperty('errorCode');
      },
    );
  });
});

/** What a filter written for `HttpException` sends for our errors: Nest's shape, our code. */
function legacy(status: number, error: string, message: string, errorCode: string, more = {}) {
  return { legacy: true, statusCode: status, error, message, errorCode, ...more };
}

const VARIANTS: ReadonlyArray<readonly [string, StatusModuleOptions]> = [
  ["beside StatusModule's filter", {}],
  ['with StatusModule.forRoot({ errors: false })', { errors: false }],
];

describe.each(ADAPTERS)("an app's own catch-all filter on %s", (_name, makeAdapter) => {
  describe.each(VARIANTS)('%s', (_variant, options) => {
    let running: RunningApp;
    let ours: jest.SpyInstance;
    beforeAll(async () => {
      ours = jest.spyOn(StatusExceptionFilter.prototype, 'catch');
      running = await startApp(
        {
          imports: [StatusModule.forRoot({ ...options, auth: { authenticator: nobody } })],
          controllers: [UsersController],
        },
        makeAdapter,
        {
          // The app's own catch-all filter answers in its own shape, not the documented one.
          contract: false,
          setup: (app) => {
            app.useGlobalFilters(new LegacyFilter(app.get(HttpAdapterHost)));
          },
        },
      );
    });
    afterAll(async () => {
      ours.mockRestore();
      await running.close();
    });
    beforeEach(() => ours.mockClear());
    // Both filters are app-wide; Nest asks the one given to useGlobalFilters first, and it
    // catches everything: it answers every error, ours is never asked.
    afterEach(() => expect(ours).not.toHaveBeenCalled());

    function expectLegacyHeaders(res: request.Response) {
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      // The request id is set where Nest hands the answer to the adapter, whoever answers.
      expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    }

    it('keeps the 404 of a thrown NotFoundError', async () => {
      const res = await request(running.url).get('/users/missing');
      expect(res.status).toBe(404);
      expectLegacyHeaders(res);
      expect(res.body).toEqual(legacy(404, 'Not Found', 'User 7 was not found.', 'USER_NOT_FOUND'));
    });

    it('keeps the 404 of a GET that found nothing (null)', async () => {
      const res = await request(running.url).get('/users/nothing');
      expect(res.status).toBe(404);
      expectLegacyHeaders(res);
      expect(res.body).toEqual(
        legacy(404, 'Not Found', 'The requested resource was not found.', 'NOT_FOUND'),
      );
    });

    it('keeps the 409 of a ConflictError, with its extras', async () => {
      const res = await request(running.url)
        .post('/users')
        .send({ name: 'Ada', email: 'taken@example.com' });
      expect(res.status).toBe(409);
      expectLegacyHeaders(res);
      expect(res.body).toEqual(
        legacy(
          409,
          'Conflict',
          'A user with email taken@example.com already exists.',
          'EMAIL_TAKEN',
          {
            field: 'email',
          },
        ),
      );
    });

    it("keeps the validation pipe's 422, with the field details", async () => {
      const res = await request(running.url).post('/users').send({ name: 'Ada', email: 'nope' });
      expect(res.status).toBe(422);
      expectLegacyHeaders(res);
      expect(res.body).toEqual(
        legacy(422, 'Unprocessable Content', 'Validation Failed: email.', 'VALIDATION_FAILED', {
          details: [
            { field: 'email', message: 'Must be a valid email address.', code: 'INVALID_FORMAT' },
          ],
        }),
      );
    });

    it("keeps the auth guard's 401 (its challenge header is our filter's to add)", async () => {
      const res = await request(running.url).get('/users/me');
      expect(res.status).toBe(401);
      expectLegacyHeaders(res);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toEqual(
        legacy(
          401,
          'Unauthorized',
          'Authentication required. Provide a valid Bearer token.',
          'UNAUTHENTICATED',
        ),
      );
    });
  });
});

describe.each(ADAPTERS)(
  "Nest's built-in filter alone (filter: false) on %s",
  (_name, makeAdapter) => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await startApp(
        {
          imports: [StatusModule.forRoot({ errors: false, auth: { authenticator: nobody } })],
          controllers: [UsersController],
        },
        makeAdapter,
        // Without our filter, Nest's own error bodies: not the documented envelope.
        { contract: false },
      );
    });
    afterAll(() => running.close());

    it('answers our errors with their status and getResponse(), not a 500', async () => {
      const res = await request(running.url)
        .post('/users')
        .send({ name: 'Ada', email: 'taken@example.com' });
      expect(res.status).toBe(409);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: 'A user with email taken@example.com already exists.',
        errorCode: 'EMAIL_TAKEN',
        field: 'email',
      });
    });
  },
);
