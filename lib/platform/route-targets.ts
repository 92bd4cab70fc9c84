import type { Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { AbstractHttpAdapter, ModulesContainer } from '@nestjs/core';
import { pathOf } from './request-target';

/** A controller method as Nest's guards see it: `context.getClass()` and `context.getHandler()`. */
export interface RouteTarget {
  classRef: Type<unknown>;
  handler: RouteHandler;
}

type RouteHandler = (...args: any[]) => unknown;

/** On a Fastify route's `config`: the handler Nest gave the adapter for that route. */
const NEST_HANDLER = Symbol('nestjs-status.nestHandler');

/**
 * Finds the controller method a request will reach before Nest runs it, from the adapter's own
 * routing: Express's router stack, or the route Fastify has matched by `onRequest`. Nest copies
 * the method's metadata and names each handler it registers `Class.method`; both lead back to
 * the method among the app's controllers.
 */
export class RouteTargets {
  private readonly targets = new WeakMap<RouteHandler, RouteTarget | null>();
  private methods?: RouteTarget[];
  private adapter?: AbstractHttpAdapter;
  private registering?: RouteHandler;

  constructor(private readonly modules: ModulesContainer) {}

  /**
   * Called before the routes are registered. On Fastify, marks each route Nest registers with its
   * handler: Fastify binds (and Nest may wrap) the function, so the one seen later is another.
   */
  attach(adapter: AbstractHttpAdapter): void {
    if (this.adapter === adapter) return;
    this.adapter = adapter;
    if (adapter.getType() !== 'fastify') return;
    const holder = adapter as unknown as {
      injectRouteOptions?: (method: unknown, ...args: unknown[]) => unknown;
    };
    const inject = holder.injectRouteOptions;
    if (typeof inject !== 'function') return;
    holder.injectRouteOptions = (method: unknown, ...args: unknown[]) => {
      const handler = args[args.length - 1];
      this.registering = typeof handler === 'function' ? (handler as RouteHandler) : undefined;
      try {
        return inject.call(adapter, method, ...args);
      } finally {
        this.registering = undefined;
      }
    };
    adapter.getInstance().addHook('onRoute', (route: { config?: Record<symbol, unknown> }) => {
      if (this.registering) route.config = { ...route.config, [NEST_HANDLER]: this.registering };
    });
  }

  /** The controller method `request` will reach, or `undefined` when no route of Nest matches. */
  forRequest(request: any): RouteTarget | undefined {
    const handler =
      this.adapter?.getType() === 'fastify'
        ? (request.routeOptions?.config?.[NEST_HANDLER] as RouteHandler | undefined)
        : this.expressHandler(request);
    return handler === undefined ? undefined : this.resolve(handler);
  }

  /** The handler of the first route of Express's router matching the path and method. */
  private expressHandler(request: any): RouteHandler | undefined {
    const stack: any[] = this.adapter?.getInstance()?.router?.stack ?? [];
    const path = pathOf(String(request.url ?? '/'));
    const method = String(request.method ?? 'GET').toLowerCase();
    for (const layer of stack) {
      const route = layer.route;
      if (!route || typeof layer.match !== 'function') continue;
      if (typeof route._handlesMethod === 'function' && !route._handlesMethod(method)) continue;
      if (!layer.match(path)) continue;
      const handle = route.stack?.[route.stack.length - 1]?.handle;
      return typeof handle === 'function' ? handle : undefined;
    }
    return undefined;
  }

  private resolve(handler: RouteHandler): RouteTarget | undefined {
    let target = this.targets.get(handler);
    if (target === undefined) {
      target = this.find(handler) ?? null;
      this.targets.set(handler, target);
    }
    return target ?? undefined;
  }

  /** By the name Nest gave the handler, then by the metadata it copied onto it. */
  private find(handler: RouteHandler): RouteTarget | undefined {
    this.methods ??= this.controllerMethods();
    const byName = this.methods.filter(
      (m) => `${m.classRef.name}.${m.handler.name}` === handler.name,
    );
    if (byName.length === 1) return byName[0];
    const candidates = byName.length > 0 ? byName : this.methods;
    return candidates.find((m) => sameMetadata(m.handler, handler));
  }

  /** Every route method of every controller of the app. */
  private controllerMethods(): RouteTarget[] {
    const found: RouteTarget[] = [];
    for (const module of this.modules.values()) {
      for (const wrapper of module.controllers.values()) {
        const classRef = wrapper.metatype as Type<unknown> | undefined;
        if (typeof classRef !== 'function') continue;
        const seen = new Set<string>();
        for (let proto = classRef.prototype; proto && proto !== Object.prototype;) {
          for (const name of Object.getOwnPropertyNames(proto)) {
            if (name === 'constructor' || seen.has(name)) continue;
            seen.add(name);
            const method = Object.getOwnPropertyDescriptor(proto, name)?.value;
            if (typeof method !== 'function') continue;
            if (Reflect.getMetadata(PATH_METADATA, method) === undefined) continue;
            found.push({ classRef, handler: method });
          }
          proto = Object.getPrototypeOf(proto);
        }
      }
    }
    return found;
  }
}

/** Nest copies every metadata value of the method onto the handler it registers. */
function sameMetadata(method: RouteHandler, handler: RouteHandler): boolean {
  const keys = Reflect.getOwnMetadataKeys(method);
  return (
    keys.length > 0 &&
    keys.every((key) => Reflect.getOwnMetadata(key, handler) === Reflect.getMetadata(key, method))
  );
}
