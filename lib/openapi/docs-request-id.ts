import type { INestApplication } from '@nestjs/common';
import { STATUS_OPTIONS } from '../options/options.token';
import type { ResolvedStatusOptions } from '../options/status-options';
import { assignRequestId, defaultRequestId } from '../platform/request-id';

/**
 * Gives the answers of routes served on the HTTP adapter itself, past Nest's routing (what
 * `SwaggerModule.setup` serves: `/openapi.json`, `/docs` and its assets), the request id header
 * every other answer of the app carries: the caller's well-formed id, else a new one, made as
 * the module makes it. Call it before those routes are registered and before `listen`.
 *
 * @example
 * withRequestId(app, ['/openapi.json', '/docs']);
 * SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
 */
export function withRequestId(app: INestApplication, paths: string[]): void {
  const options = app.get<ResolvedStatusOptions>(STATUS_OPTIONS, { strict: false });
  const { header, generate = defaultRequestId } = options.requestId;
  const key = header.toLowerCase();
  const served = (url: string | undefined) => {
    const path = (url ?? '/').split('?')[0];
    return paths.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
  };
  const adapter = app.getHttpAdapter();
  const instance = adapter.getInstance();
  if (adapter.getType() === 'fastify') {
    instance.addHook('onRequest', (request: any, reply: any, done: () => void) => {
      if (served(request.url)) reply.header(key, assignRequestId(request, key, generate));
      done();
    });
    return;
  }
  // Express: a middleware ahead of the routes registered after it.
  instance.use((request: any, response: any, next: () => void) => {
    if (served(request.url)) response.setHeader(header, assignRequestId(request, key, generate));
    next();
  });
}
