import { maxHeaderSize, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DomainError } from './domain-errors';
import type { ErrorDescriptor } from './error-descriptor';
import { ErrorBodyBuilder } from './error-body';
import { reasonPhrase } from './reason-phrases';
import { defaultRequestId } from '../platform/request-id';
import {
  ExpectationFailedError,
  HttpVersionNotSupportedError,
  MissingHostError,
  TransferCodingNotImplementedError,
  UnframedBodyError,
} from './request-errors';
import type { ResolvedStatusOptions } from '../options/status-options';

const INSTALLED = Symbol('nestjs-status.clientError');

/** Settings Node's `Server` has (Node 18.3 / 20) that its type declarations leave out. */
type ServerSettings = Server & {
  requireHostHeader?: boolean;
  connectionsCheckingInterval?: number;
  maxHeaderSize?: number;
};

/** `GET /x HTTP/1.1`: a request line, whatever its method, as opposed to bytes that are not HTTP. */
const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/\d\.\d\r?\n/;
/** The start of a request line: a method and a space. */
const METHOD_FIRST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;
/** `host` or `host:port` (RFC 3986 reg-name, IPv4 or a bracketed IP literal); empty is allowed. */
const HOST_VALUE = /^(?:[A-Za-z0-9\-._~%!$&'()*+,;=]*|\[[0-9A-Fa-f:.vV]+\])(?::\d*)?$/;

/**
 * Answers what Node answers by itself, before any of the app runs, in our error body with a
 * request id, where Node would send a bare status and Fastify its own JSON:
 * - what its parser refuses (`clientError`): a malformed request line or header (400), a head
 *   over the size limit (431; 414 when the request line alone is), a method it does not know
 *   (501), an HTTP version it does not speak (505), a request that took longer than
 *   `requestTimeout` to arrive (408, on both adapters: Fastify turns Node's timeout off);
 * - `CONNECT` (no listener: Node would drop the connection unanswered): 501.
 * Two of Node's own answers are handed to the app instead, so they are counted by the rate limit
 * and answered by `refuseRequestHead` in the envelope: a missing `Host` (Node's
 * `requireHostHeader`) and an `Expect` other than `100-continue` (Node's bare 417).
 */
export function answerClientErrors(
  server: Server | undefined,
  options: ResolvedStatusOptions,
): void {
  if (!server || typeof server.on !== 'function' || (server as any)[INSTALLED]) return;
  (server as any)[INSTALLED] = true;
  const bodies = new ErrorBodyBuilder(options);
  const generate = options.generateRequestId ?? defaultRequestId;
  const answer = (socket: Duplex, descriptor: ErrorDescriptor) => {
    const requestId = generate();
    const { contentType, body } = bodies.build(descriptor, requestId);
    socket.end(
      `HTTP/1.1 ${descriptor.status} ${reasonPhrase(descriptor.status)}\r\n` +
        `Content-Type: ${contentType}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${options.requestIdHeader}: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
  server.removeAllListeners('clientError');
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
    // A reset connection, or one whose response has started, can only be closed.
    if (
      error.code === 'ECONNRESET' ||
      !socket.writable ||
      (socket as any)._httpMessage?.headersSent
    ) {
      socket.destroy();
      return;
    }
    answer(socket, describe(error, (server as ServerSettings).maxHeaderSize ?? maxHeaderSize));
  });
  // Node checks `Host` and `Expect` itself only when told to; the app's first step does instead.
  (server as ServerSettings).requireHostHeader = false;
  if (server.listenerCount('checkExpectation') === 0) {
    server.on('checkExpectation', (request, response) => server.emit('request', request, response));
  }
  if (server.listenerCount('connect') === 0) {
    server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => socket.destroy());
      answer(socket, {
        status: 501,
        code: 'METHOD_NOT_IMPLEMENTED',
        message: 'This server does not implement the CONNECT method.',
      });
    });
  }
  limitRequestTime(server, options.requestTimeout);
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

/**
 * What the app answers first, on either adapter, to a request whose head it cannot serve: an
 * HTTP/1.1 request without exactly one well-formed `Host` (400, RFC 9112 3.2), an `Expect` other
 * than `100-continue` (417, RFC 9110 10.1.1), an HTTP major version other than 1 (505), a
 * `Transfer-Encoding` whose last coding is not `chunked` (400, RFC 9112 6.3) or that applies
 * another coding (501, RFC 9112 6.1). Undefined for a request that may go on.
 */
export function refuseRequestHead(request: IncomingMessage): DomainError | undefined {
  if (request.httpVersionMajor !== 1) {
    return new HttpVersionNotSupportedError(undefined, {}, { headers: { Connection: 'close' } });
  }
  const headers = request.headers;
  if (!hasOneHost(request)) return new MissingHostError();
  const expect = headers.expect;
  if (expect !== undefined && expect.trim().toLowerCase() !== '100-continue') {
    return new ExpectationFailedError();
  }
  const transfer = headers['transfer-encoding'];
  if (transfer !== undefined && transfer.toLowerCase() !== 'chunked') {
    const codings = transfer
      .split(',')
      .map((coding) => coding.split(';')[0].trim().toLowerCase())
      .filter((coding) => coding !== '');
    if (codings.at(-1) !== 'chunked' || codings.indexOf('chunked') !== codings.length - 1) {
      // Without chunked last there is no telling where the body ends: close after answering.
      return new UnframedBodyError(undefined, {}, { headers: { Connection: 'close' } });
    }
    if (codings.length > 1) return new TransferCodingNotImplementedError();
  }
  return undefined;
}

/** One `Host` line, well formed; HTTP/1.0 may leave it out (RFC 9112 3.2). */
function hasOneHost(request: IncomingMessage): boolean {
  const raw = request.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') {
      if (++seen > 1 || !HOST_VALUE.test(raw[i + 1])) return false;
    }
  }
  return seen === 1 || (seen === 0 && request.httpVersionMinor === 0);
}

function describe(
  error: NodeJS.ErrnoException & { rawPacket?: Buffer },
  headLimit: number,
): ErrorDescriptor {
  const packet = error.rawPacket?.toString('latin1') ?? '';
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      // The request line alone is over the limit: the target is too long, not the headers.
      if (METHOD_FIRST.test(packet) && !packet.slice(0, headLimit).includes('\n')) {
        return {
          status: 414,
          code: 'URI_TOO_LONG',
          message: 'The request target is longer than this server accepts.',
        };
      }
      return {
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        message: 'The request headers are too large. Send fewer or shorter headers.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        code: 'REQUEST_TIMEOUT',
        message: 'The request took too long to arrive.',
      };
    case 'HPE_INVALID_METHOD':
      // Only a well-formed request line names a method; anything else is not HTTP at all.
      if (REQUEST_LINE.test(packet)) {
        return {
          status: 501,
          code: 'METHOD_NOT_IMPLEMENTED',
          message: 'The request method is not one this server implements.',
        };
      }
      break;
    case 'HPE_INVALID_VERSION':
      if (REQUEST_LINE.test(packet)) {
        return {
          status: 505,
          code: 'HTTP_VERSION_NOT_SUPPORTED',
          message: 'This server speaks HTTP/1.0 and HTTP/1.1.',
        };
      }
      break;
  }
  return {
    status: 400,
    code: 'MALFORMED_REQUEST',
    message: 'The request is not valid HTTP/1.1 (its request line or a header is malformed).',
  };
}
