import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorBodyBuilder } from '../errors/error-body';
import { ErrorNormalizer } from '../errors/error-normalizer';
import { assignRequestId, defaultRequestId } from '../platform/request-id';
import { pathOf } from '../platform/request-target';
import { errorSettings, type ResolvedStatusOptions } from '../options/status-options';
import { ShuttingDownError } from './shutting-down.error';

/** Answers one request at the Node server, without the framework. */
export type ClosingAnswer = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The answer to a request that arrives while the app is closing: 503 `SHUTTING_DOWN` in the
 * app's error body, with `Retry-After`, the request id and `Connection: close`. Written on
 * Node's response, before the framework sees the request: its routing, body parsing and hooks
 * are for work the closing instance will no longer do, and Fastify would answer its own 503.
 */
export function closingAnswer(
  options: ResolvedStatusOptions,
  retryAfterSeconds: number,
): ClosingAnswer {
  const errors = errorSettings(options);
  const descriptor = new ErrorNormalizer(errors.mappings).normalize(
    new ShuttingDownError(undefined, retryAfterSeconds),
  );
  const bodies = new ErrorBodyBuilder(errors);
  const { header, generate = defaultRequestId } = options.requestId;
  const requestIdKey = header.toLowerCase();
  return (request, response) => {
    const requestId = assignRequestId(request, requestIdKey, generate);
    const { contentType, body } = bodies.build(descriptor, requestId, pathOf(request.url ?? '/'));
    response.setHeader('Content-Type', contentType);
    response.setHeader('Content-Length', Buffer.byteLength(body));
    response.setHeader(header, requestId);
    for (const [name, value] of Object.entries(descriptor.headers ?? {})) {
      response.setHeader(name, value);
    }
    // HTTP/2 has no Connection header (and refuses one); its session is closed with the server.
    if (request.httpVersionMajor < 2) response.setHeader('Connection', 'close');
    response.statusCode = descriptor.status;
    response.end(body); // Node leaves the body out for a HEAD request
  };
}
