import type { AbstractHttpAdapter } from '@nestjs/core';

/**
 * Turns off Express's own weak ETag (a SHA-1 of every body `res.send` writes), so a response is
 * hashed once, by us, with a strong tag. Fastify has none to turn off.
 */
export function disableExpressETag(adapter: AbstractHttpAdapter): void {
  if (adapter.getType() !== 'express') return;
  const app = adapter.getInstance();
  if (typeof app?.set === 'function') app.set('etag', false);
}
