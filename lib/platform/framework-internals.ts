import { RequestMethod } from '@nestjs/common';
import {
  GUARDS_METADATA,
  HTTP_CODE_METADATA,
  INTERCEPTORS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
} from '@nestjs/common/constants';
import type { AbstractHttpAdapter } from '@nestjs/core';
// By file path, which Nest 11 and 12 both resolve: only to ask whether this Nest sends web Responses.
import { RouterResponseController } from '@nestjs/core/router/router-response-controller';

/**
 * Every read of a framework's private field or of a Nest metadata key that is not public API is
 * here, each with the test that pins it (test/pins/): an upgrade that changes one fails that test
 * by name instead of changing an answer silently.
 */

/**
 * Whether the adapter's `reply` is Nest's own (`ExpressAdapter`'s or `FastifyAdapter`'s), neither
 * overridden by a subclass nor wrapped by someone else: only then may a JSON body skip it.
 * Reads the prototype chain for the class that defines `reply`.
 */
export function isNestsOwnReply(adapter: AbstractHttpAdapter, className: string): boolean {
  return isNestsOwn(adapter, 'reply', className);
}

/** Whether the adapter's `method` is the one `className` (Nest's adapter) defines, as it is. */
export function isNestsOwn(
  adapter: AbstractHttpAdapter,
  method: 'reply' | 'setHeader',
  className: string,
): boolean {
  for (let proto = Object.getPrototypeOf(adapter); proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, method)) {
      return proto.constructor?.name === className && proto[method] === adapter[method];
    }
  }
  return false;
}

/**
 * Whether this Nest sends a web `Response` a handler returns by itself (Nest 12, whose
 * `RouterResponseController` has `stream`); Nest 11 hands it to the adapter's `reply`.
 */
export function nestSendsWebResponses(): boolean {
  return typeof (RouterResponseController.prototype as any).stream === 'function';
}

/** The HTTP method a route method declares (`'GET'`, `'POST'`...), `undefined` for no route. */
export function routeMethodOf(handler: object): string | undefined {
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  return method === undefined ? undefined : RequestMethod[method];
}

/** The status a route answers with when its handler succeeds: `@HttpCode`, else 201 for POST, 200. */
export function routeStatusOf(handler: object): number {
  const status = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  return status ?? (method === RequestMethod.POST ? 201 : 200);
}

/**
 * Binds a guard or interceptor class to routes exactly once, however many of the library's
 * decorators ask for it, so it never runs twice for a request. On a method: added to the method's
 * own list unless there. On a class (class decorators run after the methods'): added to each of
 * its route methods that lacks it, never to the class, so a class-level and a method-level
 * decorator do not bind it twice. `metadataKey` is Nest's `GUARDS_METADATA` or
 * `INTERCEPTORS_METADATA`, where `@UseGuards` / `@UseInterceptors` keep their lists.
 */
export function bindOnce(
  metadataKey: string,
  enhancer: object,
  target: object,
  descriptor?: PropertyDescriptor,
): void {
  const add = (method: object) => {
    const present: unknown[] = Reflect.getMetadata(metadataKey, method) ?? [];
    if (!present.includes(enhancer))
      Reflect.defineMetadata(metadataKey, [...present, enhancer], method);
  };
  if (descriptor) {
    add(descriptor.value);
    return;
  }
  const proto = (target as { prototype?: object }).prototype;
  if (!proto) return;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor') continue;
    const method = Object.getOwnPropertyDescriptor(proto, name)?.value;
    if (typeof method === 'function' && Reflect.getMetadata(PATH_METADATA, method) !== undefined) {
      add(method);
    }
  }
}

/**
 * Binds an interceptor to a route method as its innermost one, nearest the handler, whatever
 * `@UseInterceptors` the method has: Nest runs a method's list first to last, the last one seeing
 * the handler's result first. Called at start-up, once every decorator has run and before Nest
 * reads the list to register the route; binding twice binds once.
 */
export function bindInnermostNow(interceptor: object, method: object): void {
  const present: unknown[] = Reflect.getMetadata(INTERCEPTORS_METADATA, method) ?? [];
  const others = present.filter((enhancer) => enhancer !== interceptor);
  Reflect.defineMetadata(INTERCEPTORS_METADATA, [...others, interceptor], method);
}

/** The interceptors `@UseInterceptors` put on a controller class or a handler. */
export function interceptorsOf(target: object): unknown[] {
  const interceptors: unknown = Reflect.getMetadata(INTERCEPTORS_METADATA, target);
  return Array.isArray(interceptors) ? interceptors : [];
}

/** The guards `@UseGuards` put on a controller class or a handler. */
export function guardsOf(target: object): unknown[] {
  const guards: unknown = Reflect.getMetadata(GUARDS_METADATA, target);
  return Array.isArray(guards) ? guards : [];
}

/**
 * The prototype Express gives this app's requests (`app.request`), where `res.send` reads
 * `req.fresh`; `undefined` when the instance is no Express app.
 */
export function expressRequestPrototype(app: any): object | undefined {
  return typeof app?.set === 'function' && typeof app.request === 'object'
    ? app.request
    : undefined;
}

type ExpressFinal = (error?: unknown) => void;

/**
 * Gives Express's app a last step of ours where it would call `finalhandler` (its HTML 404 and
 * 500 pages): `app.handle(req, res, callback)` uses `callback` when given one, and Node's server
 * calls the app without. Reached only by requests no route or middleware ended, outside the
 * paths Nest's own not-found handler is mounted on (a global prefix).
 */
export function setExpressFinalHandler(
  app: any,
  final: (request: any, response: any) => ExpressFinal,
): boolean {
  if (typeof app?.handle !== 'function') return false;
  const handle = app.handle;
  app.handle = function handleWithOurFinal(
    this: unknown,
    request: any,
    response: any,
    callback?: ExpressFinal,
  ) {
    return handle.call(this, request, response, callback ?? final(request, response));
  };
  return true;
}
