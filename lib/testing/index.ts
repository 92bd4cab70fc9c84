// `nestjs-status/testing`: for controller unit tests, which call a handler without HTTP. A
// helper's answer (`created()`, `noContent()`, `accepted()`) shows its choice in its own fields
// (`status`, `body`, `location`); `routeStatus()` reads what the route's decorators declare.
import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AsyncMetadata } from '../jobs/job-rules';
import { routeMethodOf, routeStatusOf } from '../platform/framework-internals';
import { successStatus } from '../responses/success-step';
import { acceptedOutsideAsync, StatusResult } from '../platform/status-result';

/** The names of a controller's methods. */
type MethodOf<T> = {
  [K in keyof T]: T[K] extends (...args: any[]) => unknown ? K : never;
}[keyof T] &
  string;

/**
 * The status a route answers with, read from its decorators, for a controller unit test that
 * calls the method directly (no HTTP). Without `result`: the route's default (`@Created` 201,
 * `@NoContent` 204, `@Async` 202, `@HttpCode`, else Nest's 201 for POST and 200). With `result`,
 * what the handler returned: the status the reply sends for it on this route (a helper's own,
 * 204 for nothing, 404 for `null` from a GET). Throws as the reply would for `accepted()` from a
 * route without `@Async`.
 *
 * @example
 * expect(routeStatus(UsersController, 'create')).toBe(201);
 * const answer = await controller.upsert('n-7', dto);
 * expect(routeStatus(DocumentsController, 'upsert', answer)).toBe(201);
 */
export function routeStatus<T>(controller: Type<T>, method: MethodOf<T>): number;
export function routeStatus<T>(controller: Type<T>, method: MethodOf<T>, result: unknown): number;
export function routeStatus<T>(
  controller: Type<T>,
  method: MethodOf<T>,
  ...result: [] | [unknown]
): number {
  const handler: unknown = (controller.prototype as Record<string, unknown>)[method];
  const verb = typeof handler === 'function' ? routeMethodOf(handler) : undefined;
  if (typeof handler !== 'function' || verb === undefined) {
    throw new TypeError(
      `${controller.name}.${method} is not a route: give it @Get(), @Post() or another of Nest's ` +
        `method decorators.`,
    );
  }
  const status = routeStatusOf(handler);
  if (result.length === 0) return status;
  const [value] = result;
  if (typeof (value as PromiseLike<unknown> | undefined)?.then === 'function') {
    throw new TypeError(`routeStatus(): await ${controller.name}.${method}'s promise first.`);
  }
  if (value instanceof StatusResult && value.status === 202) {
    if (new Reflector().get(AsyncMetadata, handler) === undefined) {
      throw acceptedOutsideAsync(`${controller.name}.${method}`);
    }
  }
  return successStatus(status, verb, value);
}
