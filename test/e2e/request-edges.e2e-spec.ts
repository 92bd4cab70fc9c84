import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { connect } from 'node:net';
import request from 'supertest';
import {
  StatusModule,
  StatusModuleOptions,
  statusFrameworkErrors,
  TooManyRequestsError,
} from '../../lib';
import { parseResponse, RawResponse } from '../fuzz/raw-http';
import { REQUEST_ID, RunningApp, startApp } from '../support/http-app';

@Controller('items')
class ItemsController {
  @Post()
  @HttpCode(201)
  create(@Body() body: unknown) {
    return { received: body };
  }

  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }
}

const ADAPTERS = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter({ frameworkErrors: statusFrameworkErrors })],
] as const;

/** The request timeout the apps here run with: short, so a stalled client is answered soon. */
const REQUEST_TIMEOUT = 1000;

/**
 * Writes `raw` byte for byte (no client library sends these) and reads until the server closes.
 * `interim` gets the status lines of the 1xx answers before the final one.
 */
function sendRaw(
  url: string,
  raw: string,
  timeoutMs = 10_000,
  interim: string[] = [],
): Promise<RawResponse> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw, 'latin1'));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        let data = Buffer.concat(chunks);
        while (/^HTTP\/1\.1 1\d\d /.test(data.toString('latin1', 0, 13))) {
          const end = data.indexOf('\r\n\r\n');
          interim.push(data.toString('latin1', 0, data.indexOf('\r\n')));
          data = data.subarray(end + 4);
        }
        resolve(parseResponse(data));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The envelope a refusal carries, with the same id in `X-Request-Id`. */
function expectEnvelope(
  res: { status: number; headers: Record<string, any>; body?: any; text?: string },
  status: number,
  body: { error: string; message: string; code: string },
): void {
  const parsed = res.body && !Buffer.isBuffer(res.body) ? res.body : JSON.parse(res.text ?? '');
  expect({ status: res.status, body: parsed }).toEqual({
    status,
    body: { ...body, requestId: expect.stringMatching(REQUEST_ID) },
  });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['x-request-id']).toBe(parsed.requestId);
}

const JSON_ONLY = {
  error: 'Unsupported Media Type',
  message: 'The request body has a media type this route does not accept. Send application/json.',
  code: 'UNSUPPORTED_MEDIA_TYPE',
};

function appWith(options: StatusModuleOptions = {}) {
  return {
    imports: [StatusModule.forRoot({ ...options, limits: { requestTimeout: REQUEST_TIMEOUT } })],
    controllers: [ItemsController],
  };
}

describe.each(ADAPTERS)('one answer at the edges of HTTP on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    running = await startApp(appWith(), makeAdapter);
    http = request(running.url);
  });
  afterAll(() => running.close());

  describe("Node's own early answers, in the envelope", () => {
    it('answers an HTTP/1.1 request without Host with 400', async () => {
      const res = await sendRaw(running.url, 'GET /items/1 HTTP/1.1\r\nConnection: close\r\n\r\n');
      expectEnvelope(res, 400, {
        error: 'Bad Request',
        message: 'An HTTP/1.1 request must carry exactly one Host header.',
        code: 'INVALID_HOST',
      });
    });

    it.each([
      ['two Host lines', 'Host: a\r\nHost: b'],
      ['two Host lines of the same value', 'Host: x\r\nHOST: x'],
    ])('answers %s with 400', async (_case, lines) => {
      const res = await sendRaw(
        running.url,
        `GET /items/1 HTTP/1.1\r\n${lines}\r\nConnection: close\r\n\r\n`,
      );
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).code).toBe('INVALID_HOST');
    });

    it('answers a malformed Host value with 400, also right after a well-formed one', async () => {
      const good = await sendRaw(
        running.url,
        'GET /items/1 HTTP/1.1\r\nHost: x:1\r\nConnection: close\r\n\r\n',
      );
      expect(good.status).toBe(200);
      for (const host of ['x:1 y', 'x:1/', 'x:1:1', '[::1']) {
        const res = await sendRaw(
          running.url,
          `GET /items/1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        );
        expect([host, res.status]).toEqual([host, 400]);
        expect(JSON.parse(res.text).code).toBe('INVALID_HOST');
      }
      const again = await sendRaw(
        running.url,
        'GET /items/1 HTTP/1.1\r\nHost: x:1\r\nConnection: close\r\n\r\n',
      );
      expect(again.status).toBe(200);
    });

    it('serves an HTTP/1.0 request without Host', async () => {
      const res = await sendRaw(running.url, 'GET /items/1 HTTP/1.0\r\n\r\n');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toEqual({ id: '1' });
    });

    it('answers an Expect it cannot meet with 417', async () => {
      const res = await sendRaw(
        running.url,
        'GET /items/1 HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n',
      );
      expectEnvelope(res, 417, {
        error: 'Expectation Failed',
        message:
          'The Expect header asks for something this server does not do. Only 100-continue is supported.',
        code: 'EXPECTATION_FAILED',
      });
    });

    it('still takes Expect: 100-continue', async () => {
      const interim: string[] = [];
      const res = await sendRaw(
        running.url,
        'POST /items HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\n' +
          'Content-Length: 7\r\nConnection: close\r\n\r\n{"a":1}',
        10_000,
        interim,
      );
      expect(interim).toEqual(['HTTP/1.1 100 Continue']);
      expect(res.status).toBe(201);
      expect(JSON.parse(res.text)).toEqual({ received: { a: 1 } });
    });

    it("answers a method Node's parser does not know with 501", async () => {
      const res = await sendRaw(running.url, 'BREW /items HTTP/1.1\r\nHost: x\r\n\r\n');
      expectEnvelope(res, 501, {
        error: 'Not Implemented',
        message: 'The request method is not one this server implements.',
        code: 'METHOD_NOT_IMPLEMENTED',
      });
      expect(res.headers.connection).toBe('close');
    });

    it('answers CONNECT with 501 instead of dropping the connection', async () => {
      const res = await sendRaw(running.url, 'CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n');
      expectEnvelope(res, 501, {
        error: 'Not Implemented',
        message: 'This server does not implement the CONNECT method.',
        code: 'METHOD_NOT_IMPLEMENTED',
      });
    });

    it('answers bytes that are not HTTP with 400', async () => {
      const res = await sendRaw(running.url, 'hello there\r\n\r\n');
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).code).toBe('MALFORMED_REQUEST');
    });

    it.each(['HTTP/3.1', 'HTTP/2.0'])('answers %s on this connection with 505', async (version) => {
      const res = await sendRaw(
        running.url,
        `GET /items/1 ${version}\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expectEnvelope(res, 505, {
        error: 'HTTP Version Not Supported',
        message: 'This server speaks HTTP/1.0 and HTTP/1.1.',
        code: 'HTTP_VERSION_NOT_SUPPORTED',
      });
    });

    it("answers a request line over Node's head limit with 414", async () => {
      const res = await sendRaw(
        running.url,
        `GET /items/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      );
      expectEnvelope(res, 414, {
        error: 'URI Too Long',
        message: 'The request target is longer than this server accepts.',
        code: 'URI_TOO_LONG',
      });
    });
  });

  describe('request bodies', () => {
    it('answers a content coding it does not decode with 415 and Accept-Encoding', async () => {
      const res = await http
        .post('/items')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'br')
        .send(Buffer.from([0x0b, 0x03, 0x80, 0x7b, 0x7d, 0x03]));
      expectEnvelope(res, 415, {
        error: 'Unsupported Media Type',
        message:
          'The request body has a content coding this server does not decode. Send it uncompressed.',
        code: 'UNSUPPORTED_CONTENT_ENCODING',
      });
      expect(res.headers['accept-encoding']).toBe('identity');
    });

    it('takes Content-Encoding: identity', async () => {
      const res = await http
        .post('/items')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'identity')
        .send('{"a":1}');
      expect(res.status).toBe(201);
    });

    it('answers a form on a JSON route with 415', async () => {
      const res = await http
        .post('/items')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('a=1');
      expectEnvelope(res, 415, JSON_ONLY);
    });

    it('answers multipart on a JSON route with 415', async () => {
      const res = await http.post('/items').field('a', '1');
      expect(res.request.getHeader?.('content-type') ?? '').toBeDefined();
      expectEnvelope(res, 415, JSON_ONLY);
    });

    it.each(['utf-16', 'UTF-16LE', 'iso-8859-1', '"utf-32"'])(
      'answers JSON in charset=%s with 415',
      async (charset) => {
        const res = await http
          .post('/items')
          .set('Content-Type', `application/json; charset=${charset}`)
          .send(Buffer.from('{"a":1}', 'utf16le'));
        expectEnvelope(res, 415, {
          error: 'Unsupported Media Type',
          message: 'A JSON request body must be UTF-8. Send charset=utf-8 or no charset.',
          code: 'UNSUPPORTED_CHARSET',
        });
      },
    );

    it.each(['application/json; charset=utf-8', 'application/json;charset="UTF-8"'])(
      'takes %s',
      async (type) => {
        const res = await http.post('/items').set('Content-Type', type).send('{"a":1}');
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ received: { a: 1 } });
      },
    );

    it('answers a body that stops half-way with 408 and closes the connection', async () => {
      const started = Date.now();
      const res = await sendRaw(
        running.url,
        'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 20\r\n\r\n{"a":',
      );
      expectEnvelope(res, 408, {
        error: 'Request Timeout',
        message: 'The request took too long to arrive.',
        code: 'REQUEST_TIMEOUT',
      });
      expect(res.headers.connection).toBe('close');
      // The configured timeout and a generous margin (Node checks a tenth of it apart): no hang.
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT * 5);
    });

    it('answers headers that stop half-way with 408 too', async () => {
      const started = Date.now();
      const res = await sendRaw(running.url, 'GET /items/1 HTTP/1.1\r\nHost: x\r\nAccept: app');
      expect(res.status).toBe(408);
      expect(JSON.parse(res.text).code).toBe('REQUEST_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT * 5);
    });

    it('answers a transfer coding it does not implement with 501', async () => {
      const res = await sendRaw(
        running.url,
        'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
      );
      expectEnvelope(res, 501, {
        error: 'Not Implemented',
        message:
          'The request uses a transfer coding this server does not implement. Send it chunked only.',
        code: 'TRANSFER_CODING_NOT_IMPLEMENTED',
      });
    });

    it('answers a transfer coding that does not end in chunked with 400 and closes', async () => {
      const res = await sendRaw(
        running.url,
        'POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Transfer-Encoding: gzip\r\n\r\n{"a":1}',
      );
      expectEnvelope(res, 400, {
        error: 'Bad Request',
        message: 'The last transfer coding of a request must be chunked.',
        code: 'INVALID_TRANSFER_ENCODING',
      });
      expect(res.headers.connection).toBe('close');
    });
  });

  describe('paths', () => {
    it('answers a trailing slash with 404, as an unknown path', async () => {
      const res = await http.post('/items/').send({ a: 1 });
      expectEnvelope(res, 404, {
        error: 'Not Found',
        message: 'No route matches POST /items/.',
        code: 'ROUTE_NOT_FOUND',
      });
      expect((await http.get('/items/1/')).status).toBe(404);
    });

    it('matches paths case-sensitively', async () => {
      expect((await http.get('/items/1')).status).toBe(200);
      expect((await http.get('/ITEMS/1')).status).toBe(404);
    });

    it('takes a path parameter of 100 characters', async () => {
      const id = 'x'.repeat(100);
      const res = await http.get(`/items/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id });
    });

    it.each([101, 15_000])('answers a path parameter of %i characters with 414', async (length) => {
      const res = await http.get(`/items/${'x'.repeat(length)}`);
      expectEnvelope(res, 414, {
        error: 'URI Too Long',
        message: 'A segment of the request path is longer than this server accepts.',
        code: 'URI_TOO_LONG',
      });
    });
  });
});

describe.each(ADAPTERS)('media types an app opts in to on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(
      appWith({
        validation: { mediaTypes: ['application/json', 'application/x-www-form-urlencoded'] },
      }),
      makeAdapter,
    );
  });
  afterAll(() => running.close());

  it('takes a form when the app lists it', async () => {
    const res = await request(running.url)
      .post('/items')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('a=1');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ received: { a: '1' } });
  });

  it('names what it takes when refusing another type', async () => {
    const res = await request(running.url)
      .post('/items')
      .set('Content-Type', 'application/xml')
      .send('<a/>');
    expectEnvelope(res, 415, {
      error: 'Unsupported Media Type',
      message:
        'The request body has a media type this route does not accept. Send application/json or application/x-www-form-urlencoded.',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });
});

describe.each(ADAPTERS)('checks after the door on %s', (name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    // A stand-in for a rate limit at the door: the first step of the adapter, refusing `X-Over`.
    const door = (headers: Record<string, unknown>) =>
      headers['x-over'] === undefined ? undefined : new TooManyRequestsError(30);
    running = await startApp(appWith(), makeAdapter, {
      // The stand-in door is a raw hook of the test's own: no route's metadata can tell its 429.
      contract: false,
      setup: (app) => {
        if (name === 'fastify') {
          const instance = app.getHttpAdapter().getInstance();
          instance.addHook('onRequest', (request: any, _reply: unknown, done: any) =>
            done(door(request.headers)),
          );
        } else {
          app.use((request: any, _response: unknown, next: (error?: unknown) => void) =>
            next(door(request.headers)),
          );
        }
      },
    });
  });
  afterAll(() => running.close());

  it('lets what runs at the door answer first: 429 before 415, 400 and 417', async () => {
    const form = await request(running.url)
      .post('/items')
      .set('X-Over', '1')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('a=1');
    expect(form.status).toBe(429);
    expect(form.body.code).toBe('RATE_LIMIT_EXCEEDED');
    for (const head of [
      'GET /items/1 HTTP/1.1\r\n',
      'GET /items/1 HTTP/1.1\r\nHost: x\r\nExpect: x\r\n',
    ]) {
      const res = await sendRaw(running.url, `${head}X-Over: 1\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBe(429);
    }
    const through = await request(running.url)
      .post('/items')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('a=1');
    expect(through.status).toBe(415);
  });
});
