import type { AbstractHttpAdapter } from '@nestjs/core';
import { UnsupportedMediaTypeError } from '../errors/domain-errors';

/**
 * The same answer on both adapters for a request body no parser should have taken, at no cost
 * to a route's own pipeline:
 * - Express leaves a body in an unknown media type unparsed (and validation would run on
 *   nothing) where Fastify answers 415: a middleware answers 415 too (multipart aside, which
 *   route interceptors such as multer parse later).
 * - Express's parser makes `{}` of an empty JSON body where Fastify refuses it: it becomes no body.
 * - Fastify parses `text/plain` into a string that no DTO can be, where Express has no text
 *   parser: unless the app registered one itself (`app.useBodyParser('text/plain')`), Fastify's
 *   default is removed, so both answer 415.
 * Called from the module's `configure`: after the body parsers, before the routes.
 */
export function alignBodyMedia(adapter: AbstractHttpAdapter): void {
  const instance = adapter.getInstance();
  if (adapter.getType() === 'fastify') {
    const own: Set<string> | undefined = (adapter as any).registeredContentTypes;
    if (!own?.has('text/plain') && instance.hasContentTypeParser?.('text/plain')) {
      instance.removeContentTypeParser('text/plain');
    }
    return;
  }
  if (typeof instance?.use !== 'function') return;
  instance.use((request: any, _response: unknown, next: (error?: unknown) => void) => {
    const headers = request.headers;
    const length = headers['content-length'];
    if (request.body !== undefined) {
      if (length === '0' && isEmptyObject(request.body)) request.body = undefined;
      return next();
    }
    const sent =
      headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
    if (sent && !String(headers['content-type'] ?? '').startsWith('multipart/')) {
      return next(new UnsupportedMediaTypeError());
    }
    next();
  });
}

function isEmptyObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (const _key in value) return false;
  return true;
}
