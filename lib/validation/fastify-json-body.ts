import type { AbstractHttpAdapter } from '@nestjs/core';

const WRAPPED = Symbol('nestjs-status.jsonBodyKept');

/**
 * On Fastify, keeps the raw text of a JSON body that failed to parse on the error (`error.body`,
 * as Express's body-parser does), so the filter can say where the JSON breaks without quoting it.
 * Nest's Fastify adapter asks `getDefaultJsonParser()` for each body; the parser it returns is
 * wrapped, and nothing else changes (raw bodies, custom parsers and limits stay as configured).
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
        if (err && err.body === undefined && body != null) err.body = body.toString();
        done(err, value);
      });
  };
  instance[WRAPPED] = true;
}
