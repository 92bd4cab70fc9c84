/**
 * Pins on Node's HTTP server surfaces that the library reads or patches and that Node leaves out
 * of its documentation or types (or whose exact behaviour the library depends on): each test
 * names the surface, says in a line which file of `lib/` relies on it and what breaks without it.
 * Each starts a real `http.createServer()` on a loopback port, never the library.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server on a free loopback port, closed after the test; `configure` runs before it listens. */
async function serve(handler: Handler, configure?: (server: Server) => void): Promise<Server> {
  const server = createServer(handler);
  configure?.(server);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Writes `text` on a new connection; resolves with all it read once the connection closes. */
function exchange(server: Server, text: string, holdOpenMs = 1000): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(text));
    let read = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (read += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(read));
    setTimeout(() => socket.destroy(), holdOpenMs).unref();
  });
}

const answered: Handler = (request, response) => response.end(`app ${request.httpVersion}`);

describe("Node's HTTP server", () => {
  // lib/errors/client-error.ts answers each kind in our envelope, told by these codes.
  it.each([
    ['an unknown method', 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n', 'HPE_INVALID_METHOD'],
    ['an unknown HTTP version', 'GET / HTTP/3.1\r\nHost: x\r\n\r\n', 'HPE_INVALID_VERSION'],
    ['a malformed header', 'GET / HTTP/1.1\r\nBad Header: x\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
    [
      'headers over the limit',
      `GET / HTTP/1.1\r\nX: ${'a'.repeat(20000)}\r\n\r\n`,
      'HPE_HEADER_OVERFLOW',
    ],
    [
      'a request line over the limit',
      `GET /${'a'.repeat(20000)} HTTP/1.1\r\n`,
      'HPE_HEADER_OVERFLOW',
    ],
  ])(
    "'clientError' (error, socket) for %s: error.code, error.rawPacket; Node writes nothing itself",
    async (_kind, text, code) => {
      const seen: { code: unknown; packet: string }[] = [];
      const server = await serve(answered, (s) =>
        s.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
          seen.push({ code: error.code, packet: error.rawPacket?.toString('latin1') ?? '' });
          socket.destroy();
        }),
      );
      expect(await exchange(server, text)).toBe('');
      expect(seen).toHaveLength(1);
      expect(seen[0].code).toBe(code);
      // The request line is there to tell 414 (line alone too long) and 501/505 from plain noise.
      expect(text.startsWith(seen[0].packet.slice(0, 20))).toBe(true);
    },
  );

  // lib/errors/client-error.ts (refuseRequestHead) answers 505 to a request of major version 2 in the app.
  it('an HTTP/2.0 request line reaches the app, with httpVersionMajor 2', async () => {
    let major: number | undefined;
    const server = await serve((request, response) => {
      major = request.httpVersionMajor;
      response.end('ok');
    });
    expect(await exchange(server, 'GET / HTTP/2.0\r\nHost: x\r\n\r\n', 300)).toMatch(
      /^HTTP\/1\.1 200/,
    );
    expect(major).toBe(2);
  });

  // lib/errors/client-error.ts hands a missing Host to the app (counted, answered in the envelope).
  it('requireHostHeader set false after creation lets a request without Host reach the app', async () => {
    const strict = await serve(answered);
    expect(await exchange(strict, 'GET / HTTP/1.1\r\n\r\n', 300)).toMatch(/^HTTP\/1\.1 400/);
    const lenient = await serve(answered, (s) => {
      (s as Server & { requireHostHeader?: boolean }).requireHostHeader = false;
    });
    expect(await exchange(lenient, 'GET / HTTP/1.1\r\n\r\n', 300)).toMatch(/^HTTP\/1\.1 200/);
  });

  // lib/errors/client-error.ts: 408 for a stalled request comes only as fast as this interval.
  it('connectionsCheckingInterval (30 s by default) set before listen makes requestTimeout fire as ERR_HTTP_REQUEST_TIMEOUT', async () => {
    const fresh = createServer() as Server & { connectionsCheckingInterval?: number };
    expect(fresh.connectionsCheckingInterval).toBe(30_000);
    const started = Date.now();
    let code: unknown;
    const server = await serve(answered, (s) => {
      s.requestTimeout = 300;
      s.headersTimeout = 300;
      (s as typeof fresh).connectionsCheckingInterval = 100;
      s.on('clientError', (error: NodeJS.ErrnoException, socket) => {
        code ??= error.code;
        socket.destroy();
      });
    });
    // Half a request head, then nothing: without the interval it would wait for 30 s.
    await exchange(server, 'GET / HTTP/1.1\r\nHost: x\r\n', 10_000);
    expect(code).toBe('ERR_HTTP_REQUEST_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(8_000); // not a hang: 30 s would mean the pin broke
  });

  // lib/errors/client-error.ts and lib/shutdown/connection-drain.ts find a socket's response here.
  it('socket._httpMessage is the response being written on that socket', async () => {
    let same = false;
    let sentAfter = false;
    const server = await serve((request, response) => {
      const socket = request.socket as Socket & { _httpMessage?: ServerResponse };
      same = socket._httpMessage === response;
      response.writeHead(200);
      sentAfter = socket._httpMessage?.headersSent === true;
      response.end('ok');
    });
    await exchange(server, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(same).toBe(true);
    expect(sentAfter).toBe(true);
  });

  // lib/shutdown/connection-drain.ts replaces it so a half-written response is not cut short.
  it("server.close() calls the instance's own closeIdleConnections", async () => {
    const server = await serve(answered);
    const own = server.closeIdleConnections.bind(server);
    let called = 0;
    server.closeIdleConnections = () => {
      called++;
      own();
    };
    await new Promise((resolve) => server.close(resolve));
    expect(called).toBe(1);
  });
});
