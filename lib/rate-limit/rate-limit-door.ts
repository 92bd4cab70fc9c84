import type { AbstractHttpAdapter } from '@nestjs/core';
// The file's own path, not `@nestjs/core/internal`: Nest 11 has no `internal` entry point, and
// Nest 12 still exports every file of the package, so this path loads on both.
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { addRequestHook, type RequestHookDone } from '../platform/request-hooks';
import type { RouteTargets } from '../platform/route-targets';
import type { StatusThrottlerGuard } from './status-throttler.guard';
import { UnmatchedRequests } from './unmatched-requests';

const UNMATCHED = { classRef: UnmatchedRequests, handler: UnmatchedRequests.prototype.unmatched };

/**
 * Counts every request against its client's limit as it arrives, before any body is read or any
 * other check answers, through the adapter's request hook (first in line on both adapters: on
 * Express ahead of the body parsers, on Fastify the first `onRequest` hook). A client over its
 * limit gets the 429 there; otherwise the guard of the route reuses this count.
 */
export class RateLimitDoor {
  constructor(
    private readonly guard: StatusThrottlerGuard,
    private readonly routes: RouteTargets,
  ) {}

  /** Called from the module's `configure`, before the routes are registered. */
  install(adapter: AbstractHttpAdapter): void {
    this.routes.attach(adapter);
    // First: a hook the app or another check set runs after the count.
    addRequestHook(
      adapter,
      (request, response, done) => this.count(request, response, done),
      'first',
    );
  }

  private count(request: any, response: any, done: RequestHookDone): void {
    let target;
    try {
      target = this.routes.forRequest(request) ?? UNMATCHED;
    } catch {
      target = UNMATCHED; // an adapter that changed its internals: count as unmatched
    }
    const context = new ExecutionContextHost(
      [request, response, done],
      target.classRef,
      target.handler,
    );
    this.guard.countAtDoor(context).then(
      () => done(),
      (error: unknown) => done(error), // the 429, answered through the exception filter
    );
  }
}
