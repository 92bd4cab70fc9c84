import { maxHeaderSize, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

const INSTALLED = Symbol('nestjs-status.nodeServer');

/** Settings Node's `Server` has (Node 18.3 / 20) that its type declarations leave out. */
type ServerSettings = Server & {
  requireHostHeader?: boolean;
  connectionsCheckingInterval?: number;
  maxHeaderSize?: number;
};

/** How the errors part answers what Node's server meets before any request exists. */
export interface ServerErrorAnswers {
  /** Most milliseconds a request may take to arrive; `0` leaves Node's setting alone. */
  requestTimeout: number;
  /** A request Node's parser refused (`clientError`), on a socket still writable. */
  parserError(
    socket: Duplex,
    error: NodeJS.ErrnoException & { rawPacket?: Buffer },
    maxHeaderSize: number,
  ): void;
  /** A `CONNECT` request, which no listener takes. */
  connect(socket: Duplex): void;
}

/**
 * Node's server, answered by the app rather than by Node:
 * - what its parser refuses (`clientError`): a malformed request line or header (400), a head
 *   over the size limit (431; 414 when the request line alone is), a method it does not know
 *   (501), an HTTP version it does not speak (505), a request that took longer than
 *   `limits.requestTimeout` to arrive (408, on both adapters: Fastify turns Node's timeout off);
 * - `CONNECT` (no listener: Node would drop the connection unanswered): 501.
 * Two of Node's own answers are handed to the app instead, so they are counted by the rate limit
 * and answered in the envelope: a missing `Host` (Node's `requireHostHeader`) and an `Expect`
 * other than `100-continue` (Node's bare 417).
 */
export function answerServerErrors(server: Server | undefined, answers: ServerErrorAnswers): void {
  if (!server || typeof server.on !== 'function' || (server as any)[INSTALLED]) return;
  (server as any)[INSTALLED] = true;
  server.removeAllListeners('clientError');
  server.on(
    'clientError',
    (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
      // A reset connection, or one whose response has started, can only be closed.
      if (
        error.code === 'ECONNRESET' ||
        !socket.writable ||
        (socket as any)._httpMessage?.headersSent
      ) {
        socket.destroy();
        return;
      }
      answers.parserError(socket, error, (server as ServerSettings).maxHeaderSize ?? maxHeaderSize);
    },
  );
  // Node checks `Host` and `Expect` itself only when told to; the app's first step does instead.
  (server as ServerSettings).requireHostHeader = false;
  if (server.listenerCount('checkExpectation') === 0) {
    server.on('checkExpectation', (request, response) => server.emit('request', request, response));
  }
  if (server.listenerCount('connect') === 0) {
    server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      answers.connect(socket);
    });
  }
  limitRequestTime(server, answers.requestTimeout);
}

/**
 * Bounds the time a request may take to arrive, headers and body (Node's `requestTimeout`): a
 * client that stops half-way gets 408 and its connection closed, on both adapters. Node checks
 * its connections every `connectionsCheckingInterval` (30 s by default, read when the server
 * starts listening), so that is made a tenth of the timeout; and a headers timeout longer than
 * the request timeout would hold a half-sent body until the headers timeout, so it is cut too.
 */
function limitRequestTime(server: Server, timeout: number): void {
  if (!(timeout > 0)) return;
  server.requestTimeout = timeout;
  if (!(server.headersTimeout > 0) || server.headersTimeout > timeout)
    server.headersTimeout = timeout;
  const interval = Math.max(100, Math.ceil(timeout / 10));
  const settings = server as ServerSettings;
  const current = settings.connectionsCheckingInterval ?? 0;
  if (!(current > 0) || current > interval) settings.connectionsCheckingInterval = interval;
}
