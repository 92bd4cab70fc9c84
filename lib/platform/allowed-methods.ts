import type { AbstractHttpAdapter } from '@nestjs/core';

const NO_METHODS: readonly string[] = [];

/**
 * Knows which methods each path of the app answers, so that a known path asked with the wrong
 * method gets 405 with `Allow` (RFC 9110 15.5.6) instead of the adapters' 404.
 * Express keeps its routes in `app.router.stack`, read when asked. Fastify has no public way to
 * match a path against its router, so the routes are recorded as they are registered
 * (`onRoute`) and matched by their pattern.
 */
export class AllowedMethods {
  private readonly fastifyRoutes: { pattern: RegExp; method: string }[] = [];
  private adapter?: AbstractHttpAdapter;

  /** Called before the routes are registered (from the module's `configure`). */
  attach(adapter: AbstractHttpAdapter | undefined): void {
    if (!adapter || this.adapter === adapter) return;
    this.adapter = adapter;
    if (adapter.getType() === 'fastify') {
      const instance = adapter.getInstance();
      const config = instance.initialConfig ?? {};
      const trailingSlash = !!(
        config.ignoreTrailingSlash || config.routerOptions?.ignoreTrailingSlash
      );
      instance.addHook('onRoute', (route: { method: string | string[]; url: string }) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        const pattern = fastifyPattern(route.url, trailingSlash);
        for (const method of methods)
          this.fastifyRoutes.push({ pattern, method: method.toUpperCase() });
      });
    }
  }

  /** The methods `path` answers, `HEAD` included where `GET` is; empty when none. */
  forPath(path: string): readonly string[] {
    if (!this.adapter) return NO_METHODS;
    const found = new Set<string>();
    if (this.adapter.getType() === 'fastify') {
      for (const route of this.fastifyRoutes) if (route.pattern.test(path)) found.add(route.method);
    } else {
      const stack: any[] = this.adapter.getInstance()?.router?.stack ?? [];
      for (const layer of stack) {
        if (!layer.route || typeof layer.match !== 'function') continue;
        if (!layer.match(path)) continue;
        for (const method of Object.keys(layer.route.methods ?? {})) {
          if (method !== '_all') found.add(method.toUpperCase());
        }
      }
    }
    if (found.has('GET')) found.add('HEAD');
    return [...found].sort();
  }
}

/** find-my-way route syntax (`/users/:id`, `/files/*`) → an anchored RegExp. */
function fastifyPattern(url: string, ignoreTrailingSlash: boolean): RegExp {
  let source = '';
  for (let i = 0; i < url.length; i++) {
    const c = url[i];
    if (c === ':' && url[i + 1] !== ':') {
      let j = i + 1;
      while (j < url.length && /[\w]/.test(url[j])) j++;
      if (url[j] === '(') {
        // a regexp parameter, `:id(^\\d+)`
        let depth = 0;
        let k = j;
        for (; k < url.length; k++) {
          if (url[k] === '(') depth++;
          else if (url[k] === ')' && --depth === 0) break;
        }
        source +=
          '(' +
          url
            .slice(j + 1, k)
            .replace(/^\^/, '')
            .replace(/\$$/, '') +
          ')';
        i = k;
      } else {
        source += '[^/]+';
        i = j - 1;
      }
    } else if (c === ':') {
      source += ':';
      i++;
    } else if (c === '*') {
      source += '.*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  // Fastify matches a trailing slash only when told to (`ignoreTrailingSlash`).
  return new RegExp(ignoreTrailingSlash ? `^${source.replace(/\/$/, '')}/?$` : `^${source}$`);
}
