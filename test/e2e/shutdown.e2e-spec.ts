import { Body, Controller, Get, Post } from '@nestjs/common';
import { get, IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { StatusModule } from '../../lib';
import { ADAPTERS, REQUEST_ID, startApp } from '../support/http-app';
import { RawConnection } from '../support/raw-connection';
import { startTsChild, TsChild } from '../support/ts-child-process';

const DRAIN_MS = 3_000;
/** How long the stand-in for the jobs engine takes to hand its jobs back. */
const HANDBACK_MS = 2_000;
const SLOW_MS = 1_000;
/** Room for a loaded machine between the drain bound and the process's exit. */
const EXIT_MARGIN_MS = 4_000;

/** `'settled'` when `promise` settles within `ms`, else `'pending'` (the timer does not outlive it). */
async function within(ms: number, promise: Promise<unknown>): Promise<'settled' | 'pending'> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise.then(() => 'settled' as const),
      sleep(ms, 'pending' as const, { signal: timer.signal }),
    ]);
  } finally {
    timer.abort();
  }
}

const SHUTTING_DOWN = {
  error: 'Service Unavailable',
  message: 'This server is shutting down and takes no new requests. Send the request again.',
  code: 'SHUTTING_DOWN',
  retryAfter: 1,
};

describe.each(['express', 'fastify'])('SIGTERM on %s', (adapter) => {
  let app: TsChild;
  const connections: RawConnection[] = [];
  const open = async (url: string) => {
    const connection = await RawConnection.open(url);
    connections.push(connection);
    return connection;
  };

  beforeEach(async () => {
    app = startTsChild('test/e2e/fixtures/shutdown-app.ts', {
      ADAPTER: adapter,
      DRAIN_MS: String(DRAIN_MS),
      HANDBACK_MS: String(HANDBACK_MS),
      SLOW_MS: String(SLOW_MS),
    });
    await app.waitFor(/listening on /, 60_000);
  }, 70_000);

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.destroy();
    await app.kill();
  });

  it('refuses new requests with 503, closes idle connections at once, lets the one in flight finish with Connection: close, and exits within the drain bound', async () => {
    const [, url] = (await app.waitFor(/listening on (\S+)/)) as RegExpExecArray;

    // An idle keep-alive connection: one request answered, then nothing.
    const idle = await open(url);
    idle.write('GET /ping HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await idle.response()).headers.connection).toBe('keep-alive');
    // Headers and part of a body that never comes.
    const halfBody = await open(url);
    halfBody.write(
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
    );
    // Two requests being sent when the signal comes: the rest of their head follows it.
    const duringHooks = await open(url);
    duringHooks.write('GET /ping HTTP/1.1\r\nHost: x\r\nX-Request-Id: sent-during-hooks\r\n');
    const duringClose = await open(url);
    duringClose.write('GET /ping HTTP/1.1\r\nHost: x\r\n');
    // A request in flight: its handler runs when the signal comes.
    const inFlight = await open(url);
    inFlight.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await app.waitFor(/slow:started/);

    const signalledAt = Date.now();
    app.child.kill('SIGTERM');

    // Idle: closed at once, well before the hooks (the jobs' hand-back) are done and Nest closes
    // the server.
    const idleClosedAt = await idle.closedAt;
    expect(idleClosedAt - signalledAt).toBeLessThan(HANDBACK_MS / 2);
    expect(idle.unread).toBe('');

    // Completed while the shutdown hooks run: 503 in the envelope, and the connection closes.
    duringHooks.write('\r\n');
    const refused = await duringHooks.response();
    expect(refused.status).toBe(503);
    expect(refused.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'retry-after': '1',
      'x-request-id': 'sent-during-hooks',
      connection: 'close',
    });
    expect(refused.body).toEqual({ ...SHUTTING_DOWN, requestId: 'sent-during-hooks' });
    await duringHooks.closedAt;

    // In flight: answered in full, with Connection: close.
    const answered = await inFlight.response();
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ done: true });
    expect(answered.headers.connection).toBe('close');
    await inFlight.closedAt;

    // Completed once the hooks are done and the server itself is closing (where Fastify would
    // answer its own 503): the same answer.
    await app.waitFor(/handback:done/);
    duringClose.write('\r\n');
    const refusedLater = await duringClose.response();
    expect(refusedLater.status).toBe(503);
    expect(refusedLater.headers).toMatchObject({
      'retry-after': '1',
      'x-request-id': expect.stringMatching(REQUEST_ID),
      connection: 'close',
    });
    expect(refusedLater.body).toEqual({
      ...SHUTTING_DOWN,
      requestId: refusedLater.headers['x-request-id'],
    });

    // The half-sent body is destroyed at the bound, and the process exits.
    const exit = await app.exited(DRAIN_MS + EXIT_MARGIN_MS - (Date.now() - signalledAt));
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    await halfBody.closedAt;
    expect(halfBody.unread).toBe('');
  }, 30_000);
});

/** Far more than the socket buffers hold: still being written long after the handler returned. */
const LARGE_BODY_CHARS = 16 * 1024 * 1024;

@Controller()
class EchoController {
  @Post('echo')
  echo(@Body() body: unknown) {
    return body;
  }

  @Get('large')
  large() {
    return { data: 'a'.repeat(LARGE_BODY_CHARS) };
  }
}

describe.each(ADAPTERS)('app.close() on %s', (_name, makeAdapter) => {
  const connections: RawConnection[] = [];
  afterEach(() => {
    for (const connection of connections.splice(0)) connection.destroy();
  });

  it('returns within the drain bound though a request body is still half-sent', async () => {
    const drainMs = 300;
    const running = await startApp(
      { imports: [StatusModule.forRoot({ shutdown: { drainMs } })], controllers: [EchoController] },
      makeAdapter,
    );
    const halfBody = await RawConnection.open(running.url);
    connections.push(halfBody);
    halfBody.write(
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
    );
    await sleep(50); // the server reads it (same process): a request under way, not a new connection
    const outcome = await within(drainMs + EXIT_MARGIN_MS, running.close());
    expect(outcome).toBe('settled');
    await halfBody.closedAt;
    expect(halfBody.unread).toBe('');
  });

  it("answers a request completed while closing with 503 in the app's error format", async () => {
    const running = await startApp(
      {
        imports: [StatusModule.forRoot({ errors: { format: 'problem' } })],
        controllers: [EchoController],
      },
      makeAdapter,
    );
    const connection = await RawConnection.open(running.url);
    connections.push(connection);
    connection.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n');
    await sleep(50); // the server reads the first half of the head before closing begins
    const closing = running.close();
    connection.write('Content-Length: 2\r\n\r\n{}');
    const refused = await connection.response();
    expect(refused.status).toBe(503);
    expect(refused.headers).toMatchObject({
      'content-type': 'application/problem+json; charset=utf-8',
      'retry-after': '1',
      connection: 'close',
    });
    expect(refused.body).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: SHUTTING_DOWN.message,
      instance: '/echo',
      code: 'SHUTTING_DOWN',
      retryAfter: 1,
      requestId: refused.headers['x-request-id'],
    });
    expect(refused.body.requestId).toMatch(REQUEST_ID);
    await connection.closedAt;
    await closing;
  });

  it('refuses a request that expects 100-continue before it sends its body', async () => {
    const running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [EchoController] },
      makeAdapter,
    );
    const connection = await RawConnection.open(running.url);
    connections.push(connection);
    connection.write(
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n',
    );
    await sleep(50); // the server reads the first half of the head before closing begins
    const closing = running.close();
    connection.write('Expect: 100-continue\r\n\r\n');
    const refused = await connection.response();
    expect(refused.status).toBe(503); // the first thing sent back: no 100 Continue before it
    expect(refused.body.code).toBe('SHUTTING_DOWN');
    await connection.closedAt;
    await closing;
  });

  it('lets a large response still being written when closing begins arrive whole', async () => {
    const running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [EchoController] },
      makeAdapter,
    );
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${running.url}/large`, { agent: false }, resolve).on('error', reject),
    );
    response.pause(); // a slow client: the server has ended the response, not written it all
    const closing = running.close();
    await sleep(100); // closing has begun, and Nest closes the server
    let received = 0;
    response.on('data', (chunk: Buffer) => (received += chunk.length)).resume();
    const ended = await new Promise<boolean>((resolve) => {
      response.once('end', () => resolve(true));
      response.once('close', () => resolve(response.complete));
    });
    expect(ended).toBe(true);
    expect(received).toBe(Number(response.headers['content-length']));
    await closing;
  });
});
