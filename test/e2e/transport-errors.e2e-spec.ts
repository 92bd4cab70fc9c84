import { Controller, Get, Param, Post } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { connect } from 'node:net';
import { Created, StatusModule, statusFrameworkErrors } from '../../lib';
import { REQUEST_ID, RunningApp, startApp } from '../support/http-app';

@Controller('items')
class ItemsController {
  @Post()
  @Created()
  create() {
    return { id: 7 };
  }

  @Get(':id')
  one(@Param('id') id: string) {
    return { id };
  }
}

/** Sends `raw` as is (no client library would send these) and parses the answer. */
function sendRaw(
  url: string,
  raw: string,
): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [
          line.slice(0, line.indexOf(':')).toLowerCase(),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
      );
      const text = rest.join('\r\n\r\n');
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: text ? JSON.parse(text) : undefined,
      });
    });
  });
}

const ADAPTERS_WITH_FRAMEWORK_ERRORS = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter({ frameworkErrors: statusFrameworkErrors })],
] as const;

describe.each(ADAPTERS_WITH_FRAMEWORK_ERRORS)(
  'requests refused before Nest on %s',
  (_name, makeAdapter) => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await startApp(
        { imports: [StatusModule.forRoot()], controllers: [ItemsController] },
        makeAdapter,
      );
    });
    afterAll(() => running.close());

    it('builds Location and instance from the path of an absolute-form request target', async () => {
      const created = await sendRaw(
        running.url,
        'POST http://evil.example/items HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
      );
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe('/items/7');
      const missing = await sendRaw(
        running.url,
        'GET http://evil.example/nowhere?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('No route matches GET /nowhere.');
    });

    it('answers a malformed header line with 400 in the envelope', async () => {
      const res = await sendRaw(
        running.url,
        'GET /items/1 HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n',
      );
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({
        error: 'Bad Request',
        message: 'The request is not valid HTTP/1.1 (its request line or a header is malformed).',
        code: 'MALFORMED_REQUEST',
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(res.headers['x-request-id']).toBe(res.body.requestId);
    });

    it('answers headers over the size limit with 431 in the envelope', async () => {
      const res = await sendRaw(
        running.url,
        `GET /items/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(res.status).toBe(431);
      expect(res.body).toMatchObject({
        error: 'Request Header Fields Too Large',
        code: 'HEADERS_TOO_LARGE',
      });
    });

    it('answers a badly percent-encoded path with 400 MALFORMED_URL', async () => {
      const res = await sendRaw(
        running.url,
        'GET /items/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'Bad Request',
        message: 'The request path has an invalid percent-encoding.',
        code: 'MALFORMED_URL',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('answers an over-long path parameter with 414 in the envelope', async () => {
      const res = await sendRaw(
        running.url,
        `GET /items/${'x'.repeat(150)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expect(res.status).toBe(414);
      expect(res.body).toEqual({
        error: 'URI Too Long',
        message: 'A segment of the request path is longer than this server accepts.',
        code: 'URI_TOO_LONG',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });
  },
);
