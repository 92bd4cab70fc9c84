import { Injectable } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { AllowedMethods } from './allowed-methods';
import { takeOverExpressConditionals } from './express-conditionals';
import { alignExpressRouting } from './express-routing';
import { registerFrameworkErrorHandler } from './fastify-framework-errors';
import { keepJsonBodyOnParseError } from './fastify-json-body';
import { alignWithNest12 } from './nest11-compat';
import { installReplyHook, type ReplyStep, type RequestIdSettings } from './reply-hook';
import { declareFastifyState } from './request-state';
import { answerServerErrors, type ServerErrorAnswers } from './node-server';
import { answerExpressLeftovers, answerUnmatchedRoutes } from './unmatched-routes';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { ArgumentsHost } from '@nestjs/common';

/** A patch a part above the platform brings (its policy is the part's; the moment is ours). */
export interface AdapterPatch {
  install(adapter: AbstractHttpAdapter): void;
}

/** The app's exception filter (the DI instance), for answers given below Nest. */
export interface PlatformFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown;
  answerUnmatched(request: any, response: any): void;
}

/** What the parts above the platform give it to install, each `undefined` when its part is off. */
export interface PlatformParts {
  requestId: RequestIdSettings;
  /** The reply's steps, in order (success statuses, then the conditional engine); off: `undefined`. */
  replySteps?: ReplyStep[];
  /** Counts a request before anything reads it (the rate limit). */
  door?: AdapterPatch;
  /** Refuses a request by its head before any parser reads the body (media type, encoding). */
  beforeParsing?: AdapterPatch;
  /** Answers errors Node's server meets before any request exists (malformed heads, timeouts). */
  serverErrors?: ServerErrorAnswers;
  /** Routes Express as Fastify: strict, case-sensitive, long parameters refused with this error. */
  expressRouting: { maxParamLength: number; uriTooLong: () => Error };
  /** The exception filter, when on: unmatched routes, Fastify's framework errors, JSON bodies. */
  filter?: PlatformFilter;
  /** Conditional requests are ours: Express's own weak ETag and `req.fresh` go. */
  conditionals: boolean;
}

/**
 * Installs everything the library does below Nest, once per adapter, in this order (each patch
 * lives in this folder; a part above only supplies its policy):
 *  1. `allowed-methods.ts`   record every route's methods (Fastify `onRoute`), for 405 + `Allow`;
 *  2. the door               count the rate limit first, before any parser or check (Nest's
 *                            request hook: Express ahead of the body parsers, Fastify `onRequest`);
 *  3. `request-state.ts`     declare the request slots' holder on Fastify's `Request` class, so
 *                            requests keep one hidden class;
 *  4. `reply-hook.ts`        the only replacement of the adapter's `reply`: request id, the reply
 *                            steps, one send (and Nest 12's web `Response` on Nest 11);
 *  5. `nest11-compat.ts`     Nest 12's parser-error wrapping and raw Fastify responses on Nest 11
 *                            (after 4, which must see Nest's own `reply`);
 *  6. before parsing         415 / 413 / 414 / 400 by the request's head, before a parser reads;
 *  7. `express-routing.ts`   strict, case-sensitive Express routes and 414 for long parameters
 *                            (Express reads these as each route is added, so before the routes);
 *  8. `fastify-json-body.ts` keep a malformed JSON body's text on Fastify's parse error;
 *  9. `node-server.ts`       Node's `clientError`, `CONNECT` and `requestTimeout` answered by
 *                            the app (the errors part writes the body);
 * 10. `unmatched-routes.ts`  404 / 405 / OPTIONS straight from the adapter's not-found handler,
 *                            and on Express from its final handler too (outside a global prefix);
 * 11. `fastify-framework-errors.ts` Fastify's router errors to the same filter;
 * 12. `express-conditionals.ts` Express's weak ETag and `req.fresh` off (ours decide 304).
 *
 * Called from `StatusModule.configure`: the one moment Nest offers after the body parsers are
 * registered and before the routes are (`onModuleInit` comes after the routes).
 */
@Injectable()
export class PlatformInstaller {
  private readonly installed = new WeakSet<object>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: ApplicationConfig,
    private readonly allowedMethods: AllowedMethods,
  ) {}

  install(parts: PlatformParts): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || this.installed.has(adapter)) return;
    this.installed.add(adapter);
    const fastify = adapter.getType() === 'fastify';
    this.allowedMethods.attach(adapter);
    parts.door?.install(adapter);
    if (fastify) declareFastifyState(adapter.getInstance());
    if (parts.replySteps) installReplyHook(adapter, parts.requestId, parts.replySteps);
    alignWithNest12(adapter);
    parts.beforeParsing?.install(adapter);
    alignExpressRouting(adapter, parts.expressRouting, parts.expressRouting.uriTooLong);
    const filter = parts.filter;
    if (filter) {
      keepJsonBodyOnParseError(adapter);
      if (parts.serverErrors) answerServerErrors(adapter.getHttpServer(), parts.serverErrors);
      answerUnmatchedRoutes(adapter, this.config, filter);
      answerExpressLeftovers(adapter, filter);
      if (fastify) registerFrameworkErrorHandler(adapter.getInstance(), filter);
    }
    if (parts.conditionals) takeOverExpressConditionals(adapter);
  }
}
