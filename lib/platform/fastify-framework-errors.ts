import type { ArgumentsHost } from '@nestjs/common';
import { httpHost } from './http-host';

type FrameworkErrorHandler = (error: Error, request: any, reply: any) => void;

/** The exception filter of each Fastify instance, registered by `StatusModule`. */
const handlers = new WeakMap<object, FrameworkErrorHandler>();

/** Called by `StatusModule` with the filter that answers for `instance`. */
export function registerFrameworkErrorHandler(
  instance: object,
  filter: { catch(exception: unknown, host: ArgumentsHost): unknown },
): void {
  handlers.set(instance, (error, request, reply) => filter.catch(error, httpHost(request, reply)));
}

/**
 * Fastify's `frameworkErrors` option: a malformed percent-encoding in the path (400) and an
 * over-long path parameter (414) are answered by Fastify's router before any hook or Nest code
 * runs, in Fastify's own JSON that quotes the path. Passed to the adapter, they leave in our
 * error body, with a request id, like every other error.
 *
 * @example
 * const app = await NestFactory.create(AppModule, new FastifyAdapter({ frameworkErrors: statusFrameworkErrors }));
 */
export function statusFrameworkErrors(error: Error, request: any, reply: any): void {
  // `request.server` is the root instance the handler was registered for (pinned in test/pins).
  const handler = handlers.get(request?.server);
  if (handler) handler(error, request, reply);
  else reply.send(error);
}
