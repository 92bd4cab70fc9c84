import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorDescriptor } from './error-descriptor';
import { ErrorBodyBuilder } from './error-body';
import { reasonPhrase } from './reason-phrases';
import { defaultRequestId } from './request-id';
import type { ResolvedStatusOptions } from '../status.options';

const INSTALLED = Symbol('nestjs-status.clientError');

/**
 * Answers what Node's HTTP parser refuses (a malformed request line or header, a head over the
 * size limit) in our error body, with a request id, where Node would send a bare 400 and Fastify
 * its own JSON. Nothing of the request reaches Nest then, so the filter cannot: this is the
 * server's `clientError` listener, replacing the default one.
 */
export function answerClientErrors(
  server: Server | undefined,
  options: ResolvedStatusOptions,
): void {
  if (!server || typeof server.on !== 'function' || (server as any)[INSTALLED]) return;
  (server as any)[INSTALLED] = true;
  const bodies = new ErrorBodyBuilder(options);
  const generate = options.generateRequestId ?? defaultRequestId;
  server.removeAllListeners('clientError');
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset connection, or one whose response has started, can only be closed.
    if (
      error.code === 'ECONNRESET' ||
      !socket.writable ||
      (socket as any)._httpMessage?.headersSent
    ) {
      socket.destroy();
      return;
    }
    const descriptor = describe(error);
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
  });
}

function describe(error: NodeJS.ErrnoException): ErrorDescriptor {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
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
    default:
      return {
        status: 400,
        code: 'MALFORMED_REQUEST',
        message: 'The request is not valid HTTP/1.1 (its request line or a header is malformed).',
      };
  }
}
