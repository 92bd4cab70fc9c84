import type { AbstractHttpAdapter } from '@nestjs/core';
import { NotFoundError, PreconditionFailedError } from '../errors/domain-errors';
import { assignRequestId, defaultRequestId } from '../errors/request-id';
import {
  type EtagHash,
  type HashedBody,
  hashBody,
  isPlainData,
  isStreamLike,
} from '../conditional/body-hash';
import { giveBack } from '../conditional/utf8-slab';
import { formatEntityTag } from '../conditional/entity-tags';
import { evaluatePreconditions, PROCEED } from '../conditional/precondition-evaluator';
import { originForm } from '../routing/request-target';
import type { ResolvedStatusOptions } from '../status.options';
import { CreatedResult } from './created-result';
import type { Creation } from './created-route';
import { stateOf } from '../request-state';
import { buildLocation } from './location';

type Reply = (response: any, body?: unknown, statusCode?: number) => unknown;
/** Sends a serialized body (200), or nothing (304). */
type SendJson = (response: any, body: HashedBody | undefined, status: 200 | 304) => unknown;

const ORIGINAL_REPLY = Symbol('nestjs-status.originalReply');
const JSON_TYPE = 'application/json; charset=utf-8';

/** The adapter's own `reply`, for answers that must not be shaped (the filter's errors). */
export function originalReply(adapter: AbstractHttpAdapter): Reply {
  return (adapter as any)[ORIGINAL_REPLY] ?? adapter.reply.bind(adapter);
}

/**
 * Shapes every success where Nest hands it to the adapter (`httpAdapter.reply`), so that routes
 * without decorators pay for no interceptor (Nest's interceptor pipeline alone costs more than
 * all of this):
 * - the request id on the response;
 * - `undefined` (or `null` outside GET) → 204 with no body; `null` from a GET/HEAD → 404;
 *   a 204 (`@NoContent`) drops whatever the handler returned;
 * - `created(entity)` → 201 + `Location`; a `@Created` route's `Location` (see `created-route.ts`);
 * - GET/HEAD 200: a strong `ETag` hashed from the body, serialized once and sent as that string,
 *   and 304 when `If-None-Match` matches (routes with `@ETag`/`@LastModified`/`@CurrentVersion`
 *   are tagged by their interceptor instead, which this sees as an `ETag` already set).
 */
export function installReplyShaper(
  adapter: AbstractHttpAdapter,
  options: ResolvedStatusOptions,
): void {
  if ((adapter as any)[ORIGINAL_REPLY]) return;
  const original: Reply = adapter.reply.bind(adapter);
  (adapter as any)[ORIGINAL_REPLY] = original;
  const express = adapter.getType() !== 'fastify';
  const idKey = options.requestIdHeader.toLowerCase();
  // Fastify writes every header name in lower case, lower-casing each one it is given: given in
  // lower case already, nothing is allocated. Express keeps the casing it is given.
  const idHeader = express ? options.requestIdHeader : idKey;
  const etagHeader = express ? 'ETag' : 'etag';
  const generate = options.generateRequestId ?? defaultRequestId;
  const hashing = options.etag !== false;
  // A serialized JSON body goes out as that string. While the adapter's `reply` is Nest's own, it
  // goes straight to Express's `res.send` or Fastify's reply (Nest's would only look again at what
  // is known here: not a stream, not an Error, JSON), and from 64 KB under our own JSON type as the
  // UTF-8 bytes it was hashed from (`payloadOf`; Nest's Express `reply` would serialize a Buffer
  // as JSON). An overridden or wrapped `reply` is always called, with the text.
  const direct = isNestsOwnReply(adapter, express ? 'ExpressAdapter' : 'FastifyAdapter');
  const sendJson: SendJson = !direct
    ? (response, body, status) => {
        if (body !== undefined && adapter.getHeader(response, 'Content-Type') === undefined) {
          adapter.setHeader(response, 'Content-Type', JSON_TYPE);
        }
        return original(response, body?.json, status);
      }
    : express
      ? (response, body, status) => {
          if (body === undefined) return response.status(status).send();
          const type = response.getHeader('content-type');
          if (type === undefined) response.setHeader('Content-Type', JSON_TYPE);
          return response.status(status).send(payloadOf(body, type));
        }
      : (response, body, status) => {
          if (body === undefined) return response.code(status).send();
          const type = response.getHeader('content-type');
          if (type === undefined) response.header('content-type', JSON_TYPE);
          return response.code(status).send(payloadOf(body, type));
        };

  adapter.reply = (response: any, body?: unknown, statusCode?: number) => {
    const request = express ? response.req : response.request;
    if (request === undefined) return original(response, body, statusCode);
    const state = stateOf(request);
    adapter.setHeader(response, idHeader, assignRequestId(request, idKey, generate, state));
    // Nest set the route's status (`@HttpCode` or the method's default) before the handler ran.
    const status: number = statusCode ?? response.statusCode;
    if (!(status >= 200 && status <= 204) || (!isPlainData(body) && isStream(body))) {
      return original(response, body, statusCode);
    }
    const method: string = request.method;
    const creation = state.creation;
    if (body instanceof CreatedResult) {
      const location =
        body.location ?? locationOf(adapter, options, creation?.rule, body.entity, request, method);
      if (location !== undefined) adapter.setHeader(response, 'Location', location);
      return original(response, body.entity ?? undefined, 201);
    }
    if (creation !== undefined) {
      // A `@Created` route: the Location of the entity its handler returned.
      const entity =
        creation.entity instanceof CreatedResult ? creation.entity.entity : creation.entity;
      const location = locationOf(adapter, options, creation.rule, entity, request, method);
      if (location !== undefined) adapter.setHeader(response, 'Location', location);
    }
    if (status === 204) return original(response, undefined, 204);
    if (body === undefined || body === null) {
      if (body === null && (method === 'GET' || method === 'HEAD')) throw new NotFoundError();
      // Nothing to send is 204, even under `@HttpCode(200)`: a 200 promises a body.
      return original(response, undefined, status === 200 || status === 201 ? 204 : status);
    }
    if (
      hashing &&
      status === 200 &&
      (method === 'GET' || method === 'HEAD') &&
      !state.noAutoEtag &&
      adapter.getHeader(response, etagHeader) === undefined
    ) {
      return tagged(
        adapter,
        original,
        sendJson,
        etagHeader,
        request,
        response,
        body,
        options.etagHash,
        // A HEAD sends no body: its bytes would only take slab space.
        direct && method !== 'HEAD',
      );
    }
    return original(response, body, statusCode);
  };
}

/** The `Location` of a new resource, from its route's `@Created` rule if it has one. */
function locationOf(
  adapter: AbstractHttpAdapter,
  options: ResolvedStatusOptions,
  rule: Creation['rule'] | undefined,
  entity: unknown,
  request: any,
  method: string,
): string | undefined {
  const url = originForm(String(adapter.getRequestUrl(request)));
  const absolute = rule?.absolute ?? options.absoluteLocations;
  return buildLocation({ location: rule?.location, absolute }, entity, request, method, url);
}

/** GET/HEAD 200 with a strong ETag of the body, or 304 / 412 as its preconditions say. */
function tagged(
  adapter: AbstractHttpAdapter,
  original: Reply,
  sendJson: SendJson,
  etagHeader: string,
  request: any,
  response: any,
  body: unknown,
  algorithm: EtagHash,
  bytes: boolean,
) {
  const hashed = hashBody(body, algorithm, bytes);
  if (!hashed) return original(response, body, 200);
  const etag = formatEntityTag(hashed.tag);
  adapter.setHeader(response, etagHeader, etag);
  const headers = request.headers;
  const ifNoneMatch = headers['if-none-match'];
  // A hashed tag has no date, so only If-Match could stand before If-None-Match (RFC 9110 13.2.2):
  // without it, a cache sending back the very tag gets its 304 without any parsing.
  if (ifNoneMatch === etag && headers['if-match'] === undefined) {
    giveBack(hashed.bytes);
    return sendJson(response, undefined, 304);
  }
  const outcome =
    ifNoneMatch === undefined &&
    headers['if-match'] === undefined &&
    headers['if-modified-since'] === undefined &&
    headers['if-unmodified-since'] === undefined
      ? PROCEED
      : evaluatePreconditions(headers, request.method, { exists: true, etag: hashed.tag });
  if (outcome.kind === 'not-modified') {
    giveBack(hashed.bytes);
    return sendJson(response, undefined, 304);
  }
  if (outcome.kind === 'failed') {
    giveBack(hashed.bytes);
    throw new PreconditionFailedError('Resource was modified.', {
      currentVersion: hashed.tag.opaque,
    });
  }
  if (hashed.json === undefined) return original(response, body, 200);
  return sendJson(response, hashed, 200);
}

/**
 * The UTF-8 bytes, under our own JSON type; the text under a type the app set (the framework
 * completes it with `charset=utf-8`, which it does for text only), handing the bytes back.
 */
function payloadOf(body: HashedBody, type: unknown): string | Buffer {
  if (body.bytes === undefined) return body.json as string;
  if (type === undefined || type === JSON_TYPE) return body.bytes;
  giveBack(body.bytes);
  return body.json as string;
}

/**
 * Whether the adapter's `reply` is Nest's own (`ExpressAdapter`'s or `FastifyAdapter`'s), neither
 * overridden by a subclass nor wrapped by someone else: only then may a JSON body skip it.
 */
function isNestsOwnReply(adapter: AbstractHttpAdapter, className: string): boolean {
  for (let proto = Object.getPrototypeOf(adapter); proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, 'reply')) {
      return proto.constructor?.name === className && proto.reply === adapter.reply;
    }
  }
  return false;
}

/** Streams, `StreamableFile`s, web streams and Buffers go out as they are. */
function isStream(body: unknown): boolean {
  return body !== null && typeof body === 'object' && (Buffer.isBuffer(body) || isStreamLike(body));
}
