import type { ArgumentsHost } from '@nestjs/common';
import type { AbstractHttpAdapter, ApplicationConfig } from '@nestjs/core';
import { setExpressFinalHandler } from './framework-internals';
import { httpHost } from './http-host';

type NotFoundHandler = (request: any, response: any, next?: (error?: unknown) => void) => unknown;

const INSTALLED = Symbol('nestjs-status.unmatchedRoutes');

/**
 * Answers requests that match no route (404, or 405 / OPTIONS with `Allow`) straight from the
 * adapter's not-found handler, without the `NotFoundException` Nest throws there only for its
 * exception filters to catch. Creating that exception (its stack trace) and routing it through
 * the filters is most of the cost of a 404; answering directly makes ours cheaper than Nest's own.
 *
 * Only while the app's global exception filters are ours alone: a filter of the user's (APP_FILTER
 * or `useGlobalFilters`, request-scoped or not) may want to see that exception, so then Nest's
 * handler stays, and `StatusExceptionFilter.catch` gives the same answer. Decided when Nest
 * registers the handler (`init`), once the global filters are known.
 */
export function answerUnmatchedRoutes(
  adapter: AbstractHttpAdapter,
  config: ApplicationConfig,
  filter: { answerUnmatched(request: any, response: any): void },
): void {
  const holder = adapter as unknown as Record<symbol, boolean> & {
    setNotFoundHandler?: (handler: NotFoundHandler, ...rest: unknown[]) => unknown;
  };
  const register = holder.setNotFoundHandler?.bind(adapter);
  if (!register || holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  holder.setNotFoundHandler = (nestHandler: NotFoundHandler, ...rest: unknown[]) => {
    const onlyOurs =
      config.getGlobalRequestFilters().length === 0 &&
      // Ours exactly: a subclass of the user's may do more in its own `catch` (report to Sentry).
      config.getGlobalFilters().every((f) => f?.constructor === filter.constructor);
    if (!onlyOurs) return register(nestHandler, ...rest);
    return register(
      (request: any, response: any, next?: (error?: unknown) => void) => {
        try {
          filter.answerUnmatched(request, response);
        } catch {
          // Whatever went wrong here, Nest's handler and the filters still answer (once).
          if (adapter.isHeadersSent(response)) return undefined;
          return nestHandler(request, response, next);
        }
        return undefined;
      },
      ...rest,
    );
  };
}

const LEFTOVERS = Symbol('nestjs-status.expressLeftovers');

/**
 * On Express, answers what no route and no middleware ended, outside the paths Nest mounts its
 * not-found and error handlers on (it mounts them under the global prefix only): a 404 (or 405)
 * in our body instead of Express's HTML page, and an error through the same filter, as Fastify
 * does for every path. Raw routes added later still match first: this runs only when nothing did.
 */
export function answerExpressLeftovers(
  adapter: AbstractHttpAdapter,
  filter: {
    answerUnmatched(request: any, response: any): void;
    catch(exception: unknown, host: ArgumentsHost): unknown;
  },
): void {
  if (adapter.getType() !== 'express') return;
  const app = adapter.getInstance();
  if (!app || app[LEFTOVERS]) return;
  app[LEFTOVERS] = setExpressFinalHandler(app, (request, response) => (error?: unknown) => {
    if (response.headersSent) {
      response.end();
      return;
    }
    if (error !== undefined) filter.catch(error, httpHost(request, response));
    else filter.answerUnmatched(request, response);
  });
}
