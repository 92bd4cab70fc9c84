import { expressRequestPrototype } from './framework-internals';
import type { AbstractHttpAdapter } from '@nestjs/core';

/**
 * Takes conditional GETs over from Express, so a response is hashed once, by us, with a strong
 * tag, and answered 304 by our rules only: turns off Express's own weak ETag (a SHA-1 of every
 * body `res.send` writes) and its `req.fresh` check, which would otherwise answer 304 on its own
 * (e.g. to an `If-Modified-Since` that is no HTTP-date, which RFC 9110 says to ignore).
 * Static files (`serve-static`) keep their own validators. Fastify has none of either.
 */
export function takeOverExpressConditionals(adapter: AbstractHttpAdapter): void {
  if (adapter.getType() !== 'express') return;
  const app = adapter.getInstance();
  const requests = expressRequestPrototype(app);
  if (requests === undefined) return;
  app.set('etag', false);
  // `res.send` reads `req.fresh` on this app's requests' prototype.
  Object.defineProperty(requests, 'fresh', {
    configurable: true,
    enumerable: true,
    get: () => false,
  });
}
