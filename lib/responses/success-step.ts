import type { AbstractHttpAdapter } from '@nestjs/core';
import { NotFoundError } from '../errors/domain-errors';
import type { OutgoingReply, ReplyStep } from '../platform/reply-hook';
import { originForm } from '../platform/request-target';
import { buildLocation } from '../platform/location';
import { type Creation, creationOf } from './created-route';
import { acceptedOutsideAsync, StatusResult } from '../platform/status-result';

/** What the success step reads of the module's options. */
export interface SuccessSettings {
  absoluteLocations: boolean;
}

/**
 * The status a success answers with, from the route's status (`@HttpCode`, `@Created`,
 * `@NoContent`, `@Async`, else Nest's 201 for POST, 200) and what the handler returned:
 * - a helper's `StatusResult` → its own status;
 * - a 204 route → 204 whatever the value;
 * - `undefined` (or `null` outside GET/HEAD) → 204 where the route says 200 or 201 (they promise
 *   a body); `null` from a GET/HEAD → 404.
 * The one decision: the reply's success step and `routeStatus()` (for unit tests) both ask here.
 */
export function successStatus(routeStatus: number, method: string, body: unknown): number {
  if (body instanceof StatusResult) return body.status;
  if (routeStatus === 204 || (body !== undefined && body !== null)) return routeStatus;
  if (body === null && (method === 'GET' || method === 'HEAD')) return 404;
  return routeStatus === 200 || routeStatus === 201 ? 204 : routeStatus;
}

/**
 * The reply's first step, the success statuses (see `successStatus`): a helper's `StatusResult`
 * is unwrapped to its status, body and `Location`; a `@Created` route's `Location` is built from
 * the entity its handler returned (kept by its interceptor); a 204 sends no body.
 */
export function successStep(adapter: AbstractHttpAdapter, settings: SuccessSettings): ReplyStep {
  return (reply: OutgoingReply) => {
    const { request, response, method, body } = reply;
    // Only a 201 route's answer can be a creation (the marked result is taken once).
    const creation = reply.status === 201 ? creationOf(request, body) : undefined;
    if (body instanceof StatusResult) {
      // An `@Async` route's interceptor turned `accepted()` into its job: this one has none.
      if (body.status === 202) throw acceptedOutsideAsync();
      if (body.status === 201) {
        const location =
          body.location ??
          locationOf(adapter, settings, creation?.rule, body.body, request, method);
        if (location !== undefined) adapter.setHeader(response, 'Location', location);
      }
      reply.status = body.status;
      reply.body = body.status === 204 ? undefined : (body.body ?? undefined);
      return;
    }
    if (creation !== undefined) {
      // A `@Created` route: the Location of the entity its handler returned.
      const location = creationLocation(adapter, settings, creation, request, method);
      if (location !== undefined) adapter.setHeader(response, 'Location', location);
    }
    const status = successStatus(reply.status, method, body);
    if (status === 404) throw new NotFoundError();
    reply.status = status;
    if (status === 204 || body === null) reply.body = undefined;
  };
}

/** A `@Created` route's `Location`, also when its handler's helper was reshaped by an interceptor. */
function creationLocation(
  adapter: AbstractHttpAdapter,
  settings: SuccessSettings,
  creation: Creation,
  request: any,
  method: string,
): string | undefined {
  const { entity, rule } = creation;
  if (!(entity instanceof StatusResult)) {
    return locationOf(adapter, settings, rule, entity, request, method);
  }
  if (entity.status !== 201) return undefined;
  return entity.location ?? locationOf(adapter, settings, rule, entity.body, request, method);
}

/** The `Location` of a new resource, from its route's `@Created` rule if it has one. */
function locationOf(
  adapter: AbstractHttpAdapter,
  settings: SuccessSettings,
  rule: Creation['rule'] | undefined,
  entity: unknown,
  request: any,
  method: string,
): string | undefined {
  const url = originForm(String(adapter.getRequestUrl(request)));
  const absolute = rule?.absolute ?? settings.absoluteLocations;
  return buildLocation({ location: rule?.location, absolute }, entity, request, method, url);
}
