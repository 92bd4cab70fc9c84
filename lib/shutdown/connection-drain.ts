import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ClosingAnswer } from './closing-answer';

/**
 * The Node server's side of a graceful shutdown. What it changes below Nest, and why:
 *
 * - a `'connection'` listener keeps the open sockets: Node's `server.close()` waits for every one
 *   of them, and neither Nest nor the frameworks bound that wait (a connection that has sent
 *   nothing, or half a request, kept the process alive for good);
 * - when closing begins, the `'request'` and `'checkContinue'` listeners (the framework) are
 *   replaced by the closing answer: requests that arrive from then on get 503 at once, the same
 *   on Express and Fastify (whose own 503 would be outside the error body, with no request id);
 * - responses under way are marked `Connection: close`; idle keep-alive connections, and those
 *   that have not sent a byte yet, are closed at once;
 * - after `drainMs`, whatever is still open is destroyed, so `server.close()` (and with it
 *   `app.close()`) returns within the bound;
 * - the server's `closeIdleConnections` (which Node's own `server.close()` calls) waits while a
 *   response is still being written: Node counts a connection whose response has ended as idle
 *   and destroys it, cutting a large body short for a client that reads slowly.
 *
 * Sockets of an HTTPS server are the TCP ones Node accepts: they are bounded and closed all the
 * same, but an in-flight response there is not marked `Connection: close`.
 */
export class ConnectionDrain {
  private readonly sockets = new Set<Socket>();
  private closing = false;
  private expired = false;
  private timer: NodeJS.Timeout | undefined;
  /** Node's own `closeIdleConnections`, when the server has one. */
  private readonly closeIdleNow: (() => void) | undefined;
  /** A response being written, after which idle connections are closed. */
  private awaitedResponse: ServerResponse | undefined;

  constructor(
    private readonly server: Server,
    private readonly drainMs: number,
    private readonly answer: ClosingAnswer,
    private readonly report: (message: string, level: 'log' | 'warn') => void,
  ) {
    server.on('connection', (socket: Socket) => this.track(socket));
    server.on('close', () => clearTimeout(this.timer));
    if (typeof server.closeIdleConnections === 'function') {
      this.closeIdleNow = server.closeIdleConnections.bind(server);
      server.closeIdleConnections = () => this.closeIdle();
    }
  }

  /** Starts closing (once): refuse new requests, close what is idle, bound the rest. */
  begin(): void {
    if (this.closing) return;
    this.closing = true;
    const server = this.server;
    server.removeAllListeners('request');
    server.on('request', this.answer);
    // Answered before Node sends `100 Continue`, so the client does not send its body for nothing.
    server.removeAllListeners('checkContinue');
    server.on('checkContinue', this.answer);
    let inFlight = 0;
    for (const socket of this.sockets) {
      const response = responseOn(socket);
      if (response && !response.writableEnded) {
        inFlight++;
        this.closeAfter(response);
      } else if (socket.bytesRead === 0) {
        // Accepted, nothing sent yet: Node counts it as busy (its headers timer runs) and would wait.
        socket.destroy();
      }
    }
    this.closeIdle();
    if (!server.listening && this.sockets.size === 0) return;
    this.timer = setTimeout(() => this.expire(), this.drainMs);
    this.timer.unref();
    this.report(
      `Closing: new requests get 503, ${inFlight} in flight, the rest closed in ${this.drainMs} ms at most.`,
      'log',
    );
  }

  private track(socket: Socket): void {
    if (this.expired) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** The response goes out with `Connection: close`, or the connection is closed after it. */
  private closeAfter(response: ServerResponse): void {
    const request = (response as ServerResponse & { req?: IncomingMessage }).req;
    if (!response.headersSent && (request?.httpVersionMajor ?? 1) < 2) {
      response.setHeader('Connection', 'close');
      return; // Node closes the connection once the response is sent
    }
    // Sent as keep-alive before closing began: close the connection once it is idle again.
    response.once('close', () => this.closeIdle());
  }

  /**
   * Closes the connections between requests, as Node's parser sees them (a half-sent request is
   * not idle), once no response is left half-written: Node would cut those short too.
   */
  private closeIdle(): void {
    if (this.awaitedResponse) return; // its end runs this again
    for (const socket of this.sockets) {
      const response = responseOn(socket);
      if (response?.writableEnded && !response.writableFinished && !socket.destroyed) {
        this.awaitedResponse = response;
        response.once('close', () => {
          this.awaitedResponse = undefined;
          this.closeIdle();
        });
        return;
      }
    }
    this.closeIdleNow?.();
  }

  private expire(): void {
    this.expired = true;
    const left = this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (left > 0) {
      this.report(
        `Closing: ${left} connection(s) still open after ${this.drainMs} ms; destroyed them.`,
        'warn',
      );
    }
  }
}

/** The response a socket is writing (Node keeps it there), if any. */
function responseOn(socket: Socket): ServerResponse | undefined {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}
