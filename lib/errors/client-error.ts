import type { IncomingMessage } from 'node:http';
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
import { errorSettings, type ResolvedStatusOptions } from '../options/status-options';
import type { ServerErrorAnswers } from '../platform/node-server';

/** `GET /x HTTP/1.1`: a request line, whatever its method, as opposed to bytes that are not HTTP. */
const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/\d\.\d\r?\n/;
/** The start of a request line: a method and a space. */
const METHOD_FIRST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;
/** `host` or `host:port` (RFC 3986 reg-name, IPv4 or a bracketed IP literal); empty is allowed. */
const HOST_VALUE = /^(?:[A-Za-z0-9\-._~%!$&'()*+,;=]*|\[[0-9A-Fa-f:.vV]+\])(?::\d*)?$/;

/**
 * The answers to what Node's server meets before any request exists (see
 * `platform/node-server.ts`, which listens): in our error body with a request id, where Node
 * would send a bare status and Fastify its own JSON. A parser error is described by
 * `describe`; `CONNECT` (no listener: Node would drop the connection unanswered) is 501.
 */
export function clientErrorAnswers(options: ResolvedStatusOptions): ServerErrorAnswers {
  const bodies = new ErrorBodyBuilder(errorSettings(options));
  const { header, generate = defaultRequestId } = options.requestId;
  const answer = (socket: Duplex, descriptor: ErrorDescriptor) => {
    const requestId = generate();
    const { contentType, body } = bodies.build(descriptor, requestId);
    socket.end(
      `HTTP/1.1 ${descriptor.status} ${reasonPhrase(descriptor.status)}\r\n` +
        `Content-Type: ${contentType}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `${header}: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
  return {
    requestTimeout: options.limits.requestTimeout,
    parserError: (socket, error, maxHeaderSize) => answer(socket, describe(error, maxHeaderSize)),
    connect: (socket) =>
      answer(socket, {
        status: 501,
        code: 'METHOD_NOT_IMPLEMENTED',
        message: 'This server does not implement the CONNECT method.',
      }),
  };
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
  // One pass over the raw lines: `Host` is checked there (Node keeps only the first of several);
  // `Expect` and `Transfer-Encoding` are read from Node's joined headers only when a line of
  // their length is there, so a plain request never has its header object built here.
  const raw = request.rawHeaders;
  let hosts = 0;
  let maybeOthers = false;
  for (let i = 0; i < raw.length; i += 2) {
    const length = raw[i].length;
    if (length === 4) {
      if (raw[i].toLowerCase() === 'host' && (++hosts > 1 || !wellFormedHost(raw[i + 1]))) {
        return new MissingHostError();
      }
    } else if (length === 6 || length === 17) {
      maybeOthers = true;
    }
  }
  // HTTP/1.0 may leave `Host` out (RFC 9112 3.2).
  if (hosts === 0 && request.httpVersionMinor !== 0) return new MissingHostError();
  return maybeOthers ? refuseExpectOrCodings(request.headers) : undefined;
}

/** The last `Host` value found well formed: a server's requests nearly all repeat one. */
let lastGoodHost: string | undefined;

function wellFormedHost(value: string): boolean {
  if (value === lastGoodHost) return true;
  if (!HOST_VALUE.test(value)) return false;
  lastGoodHost = value;
  return true;
}

/** `Expect` other than `100-continue`, or transfer codings that do not end in one `chunked`. */
function refuseExpectOrCodings(headers: IncomingMessage['headers']): DomainError | undefined {
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
