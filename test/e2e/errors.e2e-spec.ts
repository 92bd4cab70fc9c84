import { ArgumentsHost, Catch, ExceptionFilter, NotFoundException } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Agent, IncomingMessage, ServerResponse, request as httpRequest } from 'node:http';
import request from 'supertest';
import { type ErrorsOptions, StatusExceptionFilter, StatusModule } from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, shapeOf, startApp } from '../support/http-app';
import { EntityNotFoundError, ThingsController } from './fixtures/errors.fixture';

const ENVELOPE_SHAPE = { code: 'string', error: 'string', message: 'string', requestId: 'string' };

function appWith(errors: ErrorsOptions = {}) {
  return {
    imports: [
      StatusModule.forRoot({
        errors: {
          mappings: [
            {
              error: EntityNotFoundError,
              status: 404,
              code: 'THING_NOT_FOUND',
              message: 'No such thing.',
            },
          ],
          ...errors,
        },
      }),
    ],
    controllers: [ThingsController],
  };
}

describe.each(ADAPTERS)('error contract on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    running = await startApp(appWith(), makeAdapter);
    http = request(running.url);
  });
  afterAll(() => running.close());

  it('answers malformed JSON with 400 and the position, never echoing the body', async () => {
    const res = await http
      .post('/things')
      .set('Content-Type', 'application/json')
      .send('{ "name": "Ada", "email": }');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      error: 'Bad Request',
      message: 'Request body contains invalid JSON at position 26.',
      code: 'MALFORMED_JSON',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
    expect(res.text).not.toContain('email');
  });

  it('keeps the connection open after a JSON body that failed to parse', async () => {
    // Fastify closes it after any parser error; a body read to its end needs no such thing.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const bad = await sendOn(agent, running.url, '{ "name": "Ada", "email": }');
      expect(bad.status).toBe(400);
      expect(bad.connection).not.toBe('close');
      expect(JSON.parse(bad.text)).toMatchObject({ code: 'MALFORMED_JSON' });
      const poisoned = await sendOn(agent, running.url, '{"__proto__": {"x": 1}}');
      expect(poisoned.status).toBe(400);
      expect(poisoned.reused).toBe(true);
      expect(poisoned.connection).not.toBe('close');
      const good = await sendOn(agent, running.url, '{"name": "Ada", "email": "ada@example.com"}');
      expect(good.status).toBe(201);
      expect(good.reused).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('still closes the connection after a body it did not read to its end (413)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const tooLarge = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), email: 'a@b.co' });
      const res = await sendOn(agent, running.url, tooLarge);
      expect(res.status).toBe(413);
      // Fastify stops reading and closes; Node drains the rest of Express's and keeps it.
      const fastify = _name === 'fastify';
      expect(res.connection).toBe(fastify ? 'close' : 'keep-alive');
      const next = await sendOn(agent, running.url, '{"name": "Ada", "email": "ada@example.com"}');
      expect(next.status).toBe(201);
      expect(next.reused).toBe(!fastify);
    } finally {
      agent.destroy();
    }
  });

  it("answers the guide's invalid user with 422 and one detail per field", async () => {
    const res = await http.post('/things').send({ name: '', email: 'not-an-email' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: 'Unprocessable Content',
      message: 'Validation Failed: name, email.',
      code: 'VALIDATION_FAILED',
      details: [
        { field: 'name', message: 'Name is required and cannot be empty.', code: 'REQUIRED' },
        { field: 'email', message: 'Must be a valid email address.', code: 'INVALID_FORMAT' },
      ],
      requestId: expect.stringMatching(REQUEST_ID),
    });
  });

  it('names nested and array fields by path', async () => {
    const res = await http.post('/things').send({
      name: 'Ada',
      email: 'ada@example.com',
      address: { city: '' },
      items: [{ sku: 'a' }, { sku: 5 }],
    });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([
      { field: 'address.city', message: 'city should not be empty', code: 'REQUIRED' },
      { field: 'items[1].sku', message: 'sku must be a string', code: 'INVALID_TYPE' },
    ]);
  });

  it('rejects unknown properties as 422', async () => {
    const res = await http
      .post('/things')
      .send({ name: 'Ada', email: 'ada@example.com', isAdmin: true });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([
      { field: 'isAdmin', message: 'property isAdmin should not exist', code: 'UNKNOWN_FIELD' },
    ]);
  });

  it('validates query DTOs by the same rules', async () => {
    const res = await http.get('/things?page=0&limit=abc');
    expect(res.status).toBe(422);
    // `abc` is not a number: its range rules say nothing true of it, so only the type is named.
    expect(res.body.details).toEqual([
      { field: 'page', message: 'page must not be less than 1', code: 'OUT_OF_RANGE' },
      { field: 'limit', message: 'limit must be an integer number', code: 'INVALID_TYPE' },
    ]);
    const ok = await http.get('/things?page=2&limit=10');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ page: 2, limit: 10 });
  });

  it('answers a missing body with 400 MISSING_BODY', async () => {
    const res = await http.post('/things');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MISSING_BODY');
  });

  it.each([
    ['a JSON array', '[1,2,3]'],
    ['null', 'null'],
    ['a string', '"text"'],
    ['a number', '42'],
  ])('answers %s where an object is expected with 400 INVALID_BODY', async (_label, body) => {
    const res = await http.post('/things').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'Bad Request',
      message: 'The request body must be a JSON object.',
      code: 'INVALID_BODY',
      requestId: expect.stringMatching(REQUEST_ID),
    });
  });

  it('answers an empty JSON body with 400 MISSING_BODY', async () => {
    const res = await http.post('/things').set('Content-Type', 'application/json').send('');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MISSING_BODY');
  });

  it('answers JSON sent as text/plain with 415', async () => {
    const res = await http
      .post('/things')
      .set('Content-Type', 'text/plain')
      .send('{"name":"Ada","email":"ada@example.com"}');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('caps details at 100 entries and the message at ten names', async () => {
    const body: Record<string, number> = { name: 1 } as never;
    for (let i = 0; i < 900; i++) body[`k${i}`] = i; // under bodyLimits.maxKeys (1000)
    const res = await http.post('/things').send(body);
    expect(res.status).toBe(422);
    expect(res.body.details).toHaveLength(100);
    expect(res.body.message).toMatch(/^Validation Failed: (\w+, ){9}\w+ and \d+ more\.$/);
    expect(res.text.length).toBeLessThan(20_000);
  });

  it('validates a path DTO by the same rules', async () => {
    expect((await http.get('/things/by-slug/ok-slug')).body).toEqual({ slug: 'ok-slug' });
    const res = await http.get('/things/by-slug/Not_OK');
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([
      {
        field: 'slug',
        message: 'slug must be lowercase letters, digits and dashes.',
        code: 'INVALID_FORMAT',
      },
    ]);
  });

  it('answers 10 KB of garbage with 400', async () => {
    const garbage = Buffer.alloc(10 * 1024, 0xfe).toString('latin1');
    const res = await http.post('/things').set('Content-Type', 'application/json').send(garbage);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  it('answers deep nesting with 413, not a crash', async () => {
    const deep =
      '{"name":"a","email":"a@b.co","address":' +
      '{"city":'.repeat(5000) +
      '"x"' +
      '}'.repeat(5001);
    const res = await http.post('/things').set('Content-Type', 'application/json').send(deep);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      error: 'Content Too Large',
      code: 'BODY_TOO_COMPLEX',
      message:
        `The body is nested more than 32 levels deep at /address${'/city'.repeat(31)} ` +
        '(limit maxDepth). Send a flatter body, or raise limits.body.maxDepth.',
    });
    expect((await http.get('/things/1')).status).toBe(200);
  });

  it('answers __proto__ keys with 400 and pollutes nothing', async () => {
    const res = await http
      .post('/things')
      .set('Content-Type', 'application/json')
      .send('{"name":"a","email":"a@b.co","__proto__":{"polluted":true}}');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('FORBIDDEN_PROPERTY');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers __proto__ in a query DTO with 400', async () => {
    const res = await http.get('/things?__proto__=1&page=1');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('FORBIDDEN_PROPERTY');
  });

  it('answers a body too large with 413', async () => {
    const res = await http
      .post('/things')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), email: 'a@b.co' }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'Content Too Large', code: 'CONTENT_TOO_LARGE' });
  });

  it('answers a media type the route does not take with 415', async () => {
    const res = await http
      .post('/things')
      .set('Content-Type', 'text/csv')
      .send('name,email\nAda,ada@example.com');
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({
      error: 'Unsupported Media Type',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });

  it('turns a domain error into its status, code, message and extra fields', async () => {
    const res = await http.post('/things').send({ name: 'Ada', email: 'taken@example.com' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'Conflict',
      message: 'A user with email taken@example.com already exists.',
      code: 'EMAIL_TAKEN',
      field: 'email',
      requestId: expect.stringMatching(REQUEST_ID),
    });
  });

  it('uses a static code when the class declares one', async () => {
    const res = await http.get('/things/missing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      error: 'Not Found',
      code: 'THING_NOT_FOUND',
      message: 'Thing 7 was not found.',
    });
  });

  it('maps a foreign error class through errorMappings, hiding its message', async () => {
    const res = await http.get('/things/orm-missing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'THING_NOT_FOUND', message: 'No such thing.' });
    expect(res.text).not.toContain('things_v2');
  });

  it("keeps a user HttpException's code and extra members", async () => {
    const res = await http.get('/things/custom-http');
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({
      error: 'Payment Required',
      code: 'PAYMENT_REQUIRED',
      message: 'Payment is required first.',
      plan: 'pro',
    });
  });

  it('answers an unexpected error with a generic 500, no internals', async () => {
    const res = await http.get('/things/crash');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: 'Internal Server Error',
      message: 'An unexpected error occurred. Quote the requestId when reporting it.',
      code: 'INTERNAL_ERROR',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(res.text).not.toMatch(/ECONNREFUSED|hunter2|at \w+ \(/);
  });

  it('answers an unknown path with 404 in the envelope', async () => {
    const res = await http.get('/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      error: 'Not Found',
      code: 'ROUTE_NOT_FOUND',
      message: 'No route matches GET /nope.',
    });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const res = await http.patch('/things/1').send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
    expect(res.body).toMatchObject({ error: 'Method Not Allowed', code: 'METHOD_NOT_ALLOWED' });
    const collection = await http.delete('/things');
    expect(collection.status).toBe(405);
    expect(collection.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
  });

  it('answers OPTIONS on a known path with 204 and Allow, and on an unknown path with 404', async () => {
    const res = await http.options('/things/1');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
    expect(res.text).toBe('');
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect((await http.options('/nope')).status).toBe(404);
  });

  it('answers a trailing slash the router does not serve as 404, never 405 naming the method', async () => {
    const res = await http.get('/things/1/');
    if (res.status !== 200) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ROUTE_NOT_FOUND');
      expect(res.headers.allow).toBeUndefined();
    }
  });

  it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
    const good = await http.get('/things/missing').set('X-Request-Id', 'abc-123.X:y_z');
    expect(good.headers['x-request-id']).toBe('abc-123.X:y_z');
    expect(good.body.requestId).toBe('abc-123.X:y_z');
    const bad = await http.get('/things/missing').set('X-Request-Id', '<script>alert(1)</script>');
    expect(bad.body.requestId).toMatch(REQUEST_ID);
    expect(bad.headers['x-request-id']).toBe(bad.body.requestId);
    const long = await http.get('/things/1').set('X-Request-Id', 'a'.repeat(129));
    expect(long.headers['x-request-id']).toMatch(REQUEST_ID);
  });

  it('gives every error the same body shape', async () => {
    const responses = await Promise.all([
      http.post('/things').set('Content-Type', 'application/json').send('{'),
      http.get('/nope'),
      http.get('/things/missing'),
      http.patch('/things/1'),
      http.post('/things').send({ name: 'Ada', email: 'taken@example.com' }),
      http.post('/things').set('Content-Type', 'text/csv').send('a,b'),
      http.get('/things/plain-bad-request'),
      http.get('/things/crash'),
      http
        .post('/things')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), email: 'a@b.co' })),
    ]);
    expect(responses.map((r) => r.status)).toEqual([400, 404, 404, 405, 409, 415, 400, 500, 413]);
    const invalid = await http.post('/things').send({ name: '', email: 'x' });
    expect(invalid.status).toBe(422);
    const { details, ...invalidRest } = invalid.body;
    expect(Array.isArray(details)).toBe(true);
    expect(shapeOf(invalidRest)).toEqual(ENVELOPE_SHAPE);
    for (const res of responses) {
      const { field: _field, ...rest } = res.body;
      expect(shapeOf(rest)).toEqual(ENVELOPE_SHAPE);
    }
  });
});

describe.each(ADAPTERS)('a close the app asked for on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(appWith(), makeAdapter, (app) => {
      // Load shedding, as a drain would do: this client is to reconnect elsewhere.
      app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        if (req.headers['x-drain'] === '1') res.setHeader('Connection', 'close');
        next();
      });
    });
  });
  afterAll(() => running.close());

  it('stands after a malformed JSON body', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const bad = await sendOn(agent, running.url, '{ "name": ', { 'x-drain': '1' });
      expect(bad.status).toBe(400);
      expect(bad.connection).toBe('close');
      expect(JSON.parse(bad.text)).toMatchObject({ code: 'MALFORMED_JSON' });
      const next = await sendOn(agent, running.url, '{"name": "Ada", "email": "ada@example.com"}');
      expect(next.status).toBe(201);
      expect(next.reused).toBe(false);
    } finally {
      agent.destroy();
    }
  });
});

describe.each(ADAPTERS)('docs links on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(
      appWith({ docsUrl: (code) => `https://docs.example.com/errors/${code}` }),
      makeAdapter,
    );
  });
  afterAll(() => running.close());

  it('adds docs built from the code to the envelope', async () => {
    const res = await request(running.url)
      .post('/things')
      .send({ name: 'Ada', email: 'taken@example.com' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'Conflict',
      message: 'A user with email taken@example.com already exists.',
      code: 'EMAIL_TAKEN',
      field: 'email',
      requestId: expect.stringMatching(REQUEST_ID),
      docs: 'https://docs.example.com/errors/EMAIL_TAKEN',
    });
  });

  it('sends the RFC 9110 reason phrase in the status line', async () => {
    const res = await request(running.url).post('/things').send({ name: '', email: 'x' });
    expect(res.status).toBe(422);
    expect((res as unknown as { res: { statusMessage: string } }).res.statusMessage).toBe(
      'Unprocessable Content',
    );
  });
});

describe.each(ADAPTERS)('problem details on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(
      appWith({ format: 'problem', docsUrl: (code) => `https://docs.example.com/errors/${code}` }),
      makeAdapter,
    );
  });
  afterAll(() => running.close());

  it('answers a validation failure as RFC 9457 with JSON pointers', async () => {
    const res = await request(running.url)
      .post('/things')
      .send({ name: 'Ada', email: 'x', items: [{ sku: '' }] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual({
      type: 'https://docs.example.com/errors/VALIDATION_FAILED',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'Validation Failed: email, items[0].sku.',
      code: 'VALIDATION_FAILED',
      requestId: expect.stringMatching(REQUEST_ID),
      errors: [
        { detail: 'Must be a valid email address.', pointer: '#/email', code: 'INVALID_FORMAT' },
        { detail: 'sku should not be empty', pointer: '#/items/0/sku', code: 'REQUIRED' },
      ],
    });
  });

  it.each([
    ['/things/crash', 'get', 500],
    ['/nope', 'get', 404],
    ['/things/1', 'patch', 405],
    ['/things/plain-bad-request', 'get', 400],
  ] as const)('gives %s a status member equal to the real status', async (path, method, status) => {
    const res = await request(running.url)[method](path);
    expect(res.status).toBe(status);
    expect(res.body.status).toBe(status);
    expect(res.body).toMatchObject({ title: expect.any(String), detail: expect.any(String) });
    // No `instance`: the request id names the occurrence (and a path would tell hidden 404s apart).
    expect(res.body).not.toHaveProperty('instance');
  });
});

/** A user's own filter for Nest's NotFoundException: it must still see unknown routes. */
@Catch(NotFoundException)
class TeapotOnMissing implements ExceptionFilter {
  catch(_exception: NotFoundException, host: ArgumentsHost) {
    const adapter = host.switchToHttp();
    const response = adapter.getResponse();
    const body = JSON.stringify({ teapot: true });
    if (typeof response.code === 'function') response.code(418).type('application/json').send(body);
    else response.status(418).type('application/json').send(body);
  }
}

/** A user's subclass of ours that reports the 404s it catches (to Sentry, say), then answers as ours. */
const reported: unknown[] = [];
@Catch(NotFoundException)
class ReportingFilter extends StatusExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    reported.push(exception);
    return super.catch(exception, host);
  }
}

describe.each(ADAPTERS)('unknown routes and the exception filters on %s', (_name, makeAdapter) => {
  let running: RunningApp | undefined;
  afterEach(() => running?.close());

  it('answers them without Nest throwing (and us catching) a NotFoundException when our filter is alone', async () => {
    const caught = jest.spyOn(StatusExceptionFilter.prototype, 'catch');
    try {
      running = await startApp(appWith(), makeAdapter);
      const http = request(running.url);
      const missing = await http.get('/nope?x=1');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        error: 'Not Found',
        message: 'No route matches GET /nope.',
        code: 'ROUTE_NOT_FOUND',
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(missing.headers['x-request-id']).toBe(missing.body.requestId);
      const wrongMethod = await http.patch('/things/1').send({});
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
      expect(wrongMethod.body.code).toBe('METHOD_NOT_ALLOWED');
      const options = await http.options('/things/1');
      expect(options.status).toBe(204);
      expect(options.headers.allow).toBe('DELETE, GET, HEAD, OPTIONS, PUT');
      expect(caught).not.toHaveBeenCalled();
    } finally {
      caught.mockRestore();
    }
  });

  it("leaves them to Nest's NotFoundException when the app has a global filter of its own", async () => {
    running = await startApp(appWith(), makeAdapter, (app) => {
      app.useGlobalFilters(new TeapotOnMissing());
    });
    const http = request(running.url);
    const res = await http.get('/nope');
    expect(res.status).toBe(418);
    expect(res.body).toEqual({ teapot: true });
    // Everything else still reaches ours.
    const thrown = await http.get('/things/missing');
    expect(thrown.status).toBe(404);
    expect(thrown.body.code).toBe('THING_NOT_FOUND');
  });

  it('still goes through a subclass of ours, so its own catch sees unknown routes', async () => {
    reported.length = 0;
    const metadata = appWith();
    running = await startApp({ ...metadata, providers: [ReportingFilter] }, makeAdapter, (app) => {
      app.useGlobalFilters(app.get(ReportingFilter));
    });
    const res = await request(running.url).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(NotFoundException);
  });

  it('goes through the filters when another APP_FILTER is registered (Nest picks which one answers)', async () => {
    const caught = jest.spyOn(StatusExceptionFilter.prototype, 'catch');
    try {
      const metadata = appWith();
      running = await startApp(
        { ...metadata, providers: [{ provide: APP_FILTER, useClass: TeapotOnMissing }] },
        makeAdapter,
      );
      const res = await request(running.url).get('/nope');
      // Both are app-wide and ours catches everything: Nest asks the first it finds, ours.
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ROUTE_NOT_FOUND');
      expect(caught).toHaveBeenCalledTimes(1);
      expect(caught.mock.calls[0][0]).toBeInstanceOf(NotFoundException);
    } finally {
      caught.mockRestore();
    }
  });
});

/** POSTs `body` to /things through `agent`: the status, the Connection header, whether the socket was reused. */
function sendOn(
  agent: Agent,
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; connection?: string; reused: boolean; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/things`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            reused: req.reusedSocket,
            text,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
