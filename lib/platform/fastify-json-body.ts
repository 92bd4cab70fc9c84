import type { AbstractHttpAdapter } from '@nestjs/core';

const WRAPPED = Symbol('nestjs-status.jsonBodyKept');

/** Set on a parse error raised after the whole body was read (see `keepsConnection`). */
const BODY_READ = Symbol('nestjs-status.bodyRead');

/**
 * On Fastify, keeps the raw text of a JSON body that failed to parse on the error (`error.body`,
 * as Express's body-parser does), so the filter can say where the JSON breaks without quoting it.
 * Nest's Fastify adapter asks `getDefaultJsonParser()` for each body; the parser it returns is
 * wrapped, and nothing else changes (raw bodies, custom parsers and limits stay as configured).
 *
 * The error is also marked as raised on a body read to its end: Fastify closes the connection
 * after any parser error, in case the client is still sending, but a JSON parser only runs once
 * the body is complete, so the filter may keep the connection open, as Express does.
 */
export function keepJsonBodyOnParseError(adapter: AbstractHttpAdapter): void {
  if (adapter.getType() !== 'fastify') return;
  const instance = adapter.getInstance();
  if (typeof instance?.getDefaultJsonParser !== 'function' || instance[WRAPPED]) return;
  const make = instance.getDefaultJsonParser.bind(instance);
  instance.getDefaultJsonParser = (...args: unknown[]) => {
    const parse = make(...args);
    return (
      request: unknown,
      body: Buffer | string,
      done: (err: Error | null, value?: unknown) => void,
    ) =>
      parse(request, body, (err: (Error & { body?: string }) | null, value?: unknown) => {
        if (err) {
          if (err.body === undefined && body != null) err.body = body.toString();
          (err as unknown as Record<symbol, boolean>)[BODY_READ] = true;
        }
        done(err, value);
      });
  };
  instance[WRAPPED] = true;
}

/**
 * Whether the connection may stay open after answering `exception`: a JSON body that failed to
 * parse (raw, or as the `cause` of Nest's `BadRequestException`) was read to its end.
 */
export function keepsConnection(exception: unknown): boolean {
  if (exception === null || typeof exception !== 'object') return false;
  const e = exception as { cause?: unknown } & Record<symbol, unknown>;
  if (e[BODY_READ] === true) return true;
  const cause = e.cause as Record<symbol, unknown> | undefined;
  return typeof cause === 'object' && cause !== null && cause[BODY_READ] === true;
}
