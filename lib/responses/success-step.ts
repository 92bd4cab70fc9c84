import type { AbstractHttpAdapter } from '@nestjs/core';
import { NotFoundError } from '../errors/domain-errors';
import type { OutgoingReply, ReplyStep } from '../platform/reply-hook';
import { originForm } from '../platform/request-target';
import { CreatedResult } from '../platform/created-result';
import { CREATION, type Creation } from './created-route';
import { buildLocation } from '../platform/location';

/** What the success step reads of the module's options. */
export interface SuccessSettings {
  absoluteLocations: boolean;
}

/**
 * The reply's first step, the success statuses:
 * - `created(entity)` → 201 + `Location`; a `@Created` route's `Location` (see `created-route.ts`);
 * - a 204 (`@NoContent`) drops whatever the handler returned;
 * - `undefined` (or `null` outside GET) → 204 with no body; `null` from a GET/HEAD → 404.
 */
export function successStep(adapter: AbstractHttpAdapter, settings: SuccessSettings): ReplyStep {
  return (reply: OutgoingReply) => {
    const { request, response, method, body } = reply;
    const creation = CREATION.get(request);
    if (body instanceof CreatedResult) {
      const location =
        body.location ??
        locationOf(adapter, settings, creation?.rule, body.entity, request, method);
      if (location !== undefined) adapter.setHeader(response, 'Location', location);
      reply.body = body.entity ?? undefined;
      reply.status = 201;
      return;
    }
    if (creation !== undefined) {
      // A `@Created` route: the Location of the entity its handler returned.
      const entity =
        creation.entity instanceof CreatedResult ? creation.entity.entity : creation.entity;
      const location = locationOf(adapter, settings, creation.rule, entity, request, method);
      if (location !== undefined) adapter.setHeader(response, 'Location', location);
    }
    if (reply.status === 204) {
      reply.body = undefined;
      return;
    }
    if (body === undefined || body === null) {
      if (body === null && (method === 'GET' || method === 'HEAD')) throw new NotFoundError();
      // Nothing to send is 204, even under `@HttpCode(200)`: a 200 promises a body.
      reply.body = undefined;
      if (reply.status === 200 || reply.status === 201) reply.status = 204;
    }
  };
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
