import type { AbstractHttpAdapter } from '@nestjs/core';

const ALIGNED = Symbol('nestjs-status.expressRouting');

/**
 * Routes Express the way Fastify's router does by default, so a path answers the same on both:
 * - strictly: `/users/` is not `/users` (404 on both, as Fastify without `ignoreTrailingSlash`);
 * - case-sensitively: `/Users` is not `/users` (as Fastify's `caseSensitive`);
 * - a path parameter longer than `maxParamLength` (Fastify's 100 by default) is 414.
 * Express reads its router's `strict` and `caseSensitive` as each route is added, so this runs
 * before the routes are registered (the module's `configure`).
 */
export function alignExpressRouting(
  adapter: AbstractHttpAdapter,
  options: { maxParamLength: number },
  uriTooLong: () => Error,
): void {
  if (adapter.getType() !== 'express') return;
  const router = adapter.getInstance()?.router;
  if (!router || typeof router.route !== 'function' || router[ALIGNED]) return;
  router[ALIGNED] = true;
  router.strict = true;
  router.caseSensitive = true;
  const limit = options.maxParamLength;
  if (!(limit > 0)) return;
  const route = router.route;
  router.route = function routeWithParamLimit(this: any, path: unknown) {
    const made = route.call(this, path);
    const layer = this.stack[this.stack.length - 1];
    if (layer?.route === made && typeof layer.handle === 'function') {
      const handle = layer.handle;
      layer.handle = function checkParamLength(request: any, response: unknown, next: Next) {
        const params = request.params;
        for (const name in params) {
          const value = params[name];
          if (typeof value === 'string' && value.length > limit) {
            return next(uriTooLong());
          }
        }
        return handle(request, response, next);
      };
    }
    return made;
  };
}

type Next = (error?: unknown) => void;
