import { BadRequestException, HttpException } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

type ErrorHandler = (error: unknown, request: any, response: any, next?: unknown) => unknown;

const INSTALLED = Symbol('nestjs-status.nest11Compat');

/**
 * Gives a Nest 11 app two adapter behaviours of Nest 12 the library relies on, each told by its
 * own feature; on Nest 12 (which has both) it changes nothing. The third, sending a web
 * `Response`, is the reply hook's (`reply-hook.ts`). Installed before Nest registers its error
 * handler.
 */
export function alignWithNest12(adapter: AbstractHttpAdapter): void {
  const target = adapter as any;
  if (target[INSTALLED]) return;
  target[INSTALLED] = true;
  keepParserErrorsAsCause(adapter);
  writeRawFastifyResponses(adapter);
}

/**
 * Nest 12's adapters wrap a body parser's or Fastify's error in an `HttpException` with the
 * original as `cause` (`mapException`); Nest 11 drops the cause, so the filter would answer the
 * parser's own message (V8's quotes the body) instead of ours. On Nest 11 the error handler Nest
 * registers is given the error already wrapped as Nest 12 wraps it; Nest 11 passes that on as is.
 */
function keepParserErrorsAsCause(adapter: AbstractHttpAdapter): void {
  const target = adapter as any;
  if (typeof target.mapException === 'function' || typeof target.setErrorHandler !== 'function') {
    return;
  }
  const set = target.setErrorHandler.bind(adapter);
  target.setErrorHandler = (handler: ErrorHandler, prefix?: string) =>
    // Four parameters: Express tells an error handler by its arity.
    set(function withCause(this: unknown, error: unknown, request: any, response: any, next: any) {
      return handler.call(this, wrapLikeNest12(error), request, response, next);
    }, prefix);
}

/** What Nest 12's `mapException` makes of an error (both adapters), else the error itself. */
function wrapLikeNest12(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof HttpException) return error;
  const e = error as Error & { status?: unknown; statusCode?: unknown; expose?: unknown };
  // By name: Node's own errors come from another realm under test runners.
  if ((e.name === 'SyntaxError' || e.name === 'URIError') && e.status === 400) {
    return new BadRequestException(e.message, { cause: e });
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
  if (status < 400 || status >= 500) return error;
  const fastify = e.name === 'FastifyError';
  const httpError = typeof e.expose === 'boolean' && e.status === e.statusCode;
  if (!fastify && !httpError) return error;
  const message = e.expose === false ? (STATUS_CODES[status] ?? 'Error') : e.message;
  return new HttpException(message, status, { cause: e });
}

/**
 * In a middleware on Fastify the response is Node's own (middie's), and the exception filter
 * answers on it through the adapter. Nest 12's Fastify adapter writes headers to such a response;
 * Nest 11's calls the reply's methods on it, which it lacks, so a middleware's 403 became a 500.
 * On Nest 11 (told by asking the adapter about a bare response) the same methods get that case.
 */
function writeRawFastifyResponses(adapter: AbstractHttpAdapter): void {
  const target = adapter as any;
  if (adapter.getType() !== 'fastify' || typeof target.isNativeResponse !== 'function') return;
  if (adapter.isHeadersSent({ headersSent: true }) === true) return; // Nest 12 does it already
  const native = (response: any): boolean => target.isNativeResponse(response);
  const { setHeader, appendHeader, isHeadersSent, end } = target;
  target.setHeader = function (response: any, name: string, value: string) {
    if (!native(response)) return setHeader.call(this, response, name, value);
    return response.setHeader(name, value);
  };
  target.appendHeader = function (response: any, name: string, value: string) {
    if (!native(response)) return appendHeader.call(this, response, name, value);
    const current = response.getHeader(name);
    response.setHeader(name, current === undefined ? value : [current, value].flat().map(String));
  };
  target.isHeadersSent = function (response: any) {
    if (!native(response)) return isHeadersSent.call(this, response);
    return response.headersSent;
  };
  target.end = function (response: any, message?: string) {
    if (!native(response)) return end.call(this, response, message);
    response.end(message);
  };
}
