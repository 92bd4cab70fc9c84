import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { isPlainData, isStreamLike } from './body-kinds';
import { isNestsOwn, isNestsOwnReply, nestSendsWebResponses } from './framework-internals';
import { assignRequestId, defaultRequestId } from './request-id';
import { release } from './utf8-slab';

/** The one JSON media type the library sends successes and JSON errors under. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** A serialized body, sent as it is so it is serialized once. */
export interface JsonPayload {
  /** The JSON text of the body. */
  json?: string;
  /** That text's UTF-8 bytes in a slab slice (64 KB and more), sent instead of the text. */
  bytes?: Buffer;
}

/** One success on its way out, as the reply hook hands it to each step in turn. */
export interface OutgoingReply {
  readonly request: any;
  readonly response: any;
  /** Upper-case request method. */
  readonly method: string;
  /** The result the handler (and the interceptors after it) produced. */
  body: unknown;
  /** The status Nest would send: the route's `@HttpCode` or the method's default. */
  status: number;
  /** The body already serialized by a step (to hash it): sent instead of `body`. */
  payload?: JsonPayload;
  /** Whether the body's bytes may be sent as they are (Nest's own `reply`, not a HEAD). */
  readonly bytesAllowed: boolean;
}

/**
 * A step of the reply: may change the status, the body or the payload, set headers, or throw (the
 * exception filter then answers instead). Steps run in the order given to `installReplyHook`.
 */
export type ReplyStep = (reply: OutgoingReply) => void;

/** How the request id is assigned; the header goes on every response. */
export interface RequestIdSettings {
  requestIdHeader: string;
  generateRequestId?: () => string;
}

type Reply = (response: any, body?: unknown, statusCode?: number) => unknown;

const ORIGINAL_REPLY = Symbol('nestjs-status.originalReply');

/** The adapter's own `reply`, for answers that must not go through the steps (the filter's errors). */
export function originalReply(adapter: AbstractHttpAdapter): Reply {
  return (adapter as any)[ORIGINAL_REPLY] ?? adapter.reply.bind(adapter);
}

/**
 * The only replacement of the adapter's `reply`, where Nest hands it every success: routes
 * without decorators pay for no interceptor (Nest's interceptor pipeline alone costs more than
 * all of this). On every response: the request id. For a 2xx that is not a stream: each step in
 * order (the success statuses, then the conditional engine), then the send: a serialized body
 * goes out as that text, or as its UTF-8 bytes from the slab, which are released when not sent.
 * On Nest 11 a web `Response` (a job monitor's 303) is sent as Nest 12 sends it.
 */
export function installReplyHook(
  adapter: AbstractHttpAdapter,
  settings: RequestIdSettings,
  steps: ReplyStep[],
): void {
  if ((adapter as any)[ORIGINAL_REPLY]) return;
  const original: Reply = adapter.reply.bind(adapter);
  (adapter as any)[ORIGINAL_REPLY] = original;
  const express = adapter.getType() !== 'fastify';
  const idKey = settings.requestIdHeader.toLowerCase();
  // Fastify lower-cases every header name it is given: given in lower case, nothing is allocated.
  const idHeader = express ? settings.requestIdHeader : idKey;
  const generate = settings.generateRequestId ?? defaultRequestId;
  const webResponses = nestSendsWebResponses();
  // While the adapter's `reply` is Nest's own, a JSON payload goes straight to Express's
  // `res.send` or Fastify's reply (Nest's would only look again at what is known here), and from
  // 64 KB as its bytes (Nest's Express `reply` would serialize a Buffer as JSON). An overridden or
  // wrapped `reply` is always called, with the text.
  const direct = isNestsOwnReply(adapter, express ? 'ExpressAdapter' : 'FastifyAdapter');
  const send = direct ? (express ? sendExpress : sendFastify) : sendThrough(adapter, original);
  // Nest's own `setHeader` is the framework's (Express's `res.set` adds nothing for a string):
  // the id goes straight on the response, one call and one check fewer per request.
  const idDirect = isNestsOwn(adapter, 'setHeader', express ? 'ExpressAdapter' : 'FastifyAdapter');

  adapter.reply = (response: any, body?: unknown, statusCode?: number) => {
    const request = express ? response.req : response.request;
    if (request === undefined) return original(response, body, statusCode);
    const id = assignRequestId(request, idKey, generate);
    if (!idDirect) adapter.setHeader(response, idHeader, id);
    else if (express) response.setHeader(idHeader, id);
    else response.header(idHeader, id);
    if (!webResponses && isWebResponse(body))
      return sendWebResponse(adapter, original, response, body);
    // Nest set the route's status (`@HttpCode` or the method's default) before the handler ran.
    const status: number = statusCode ?? response.statusCode;
    if (!(status >= 200 && status <= 204) || isStream(body)) {
      return original(response, body, statusCode);
    }
    const method: string = request.method;
    const reply: OutgoingReply = {
      request,
      response,
      method,
      body,
      status,
      payload: undefined,
      bytesAllowed: direct && method !== 'HEAD',
    };
    try {
      for (let i = 0; i < steps.length; i++) steps[i](reply);
    } catch (error) {
      release(reply.payload?.bytes);
      throw error;
    }
    if (reply.status === 204 || reply.status === 304) {
      release(reply.payload?.bytes);
      return reply.status === 304
        ? send(response, undefined, 304)
        : original(response, undefined, 204);
    }
    if (reply.body === undefined) return original(response, undefined, reply.status);
    const payload = reply.payload;
    if (payload?.json === undefined) {
      release(payload?.bytes);
      return original(response, reply.body, reply.status === status ? statusCode : reply.status);
    }
    return send(response, payload, reply.status);
  };
}

type Send = (response: any, payload: JsonPayload | undefined, status: number) => unknown;

function sendExpress(response: any, payload: JsonPayload | undefined, status: number): unknown {
  if (payload === undefined) return response.status(status).send();
  const type = response.getHeader('content-type');
  if (type === undefined) response.setHeader('Content-Type', JSON_TYPE);
  return response.status(status).send(bodyOf(payload, type));
}

function sendFastify(response: any, payload: JsonPayload | undefined, status: number): unknown {
  if (payload === undefined) return response.code(status).send();
  const type = response.getHeader('content-type');
  if (type === undefined) response.header('content-type', JSON_TYPE);
  return response.code(status).send(bodyOf(payload, type));
}

function sendThrough(adapter: AbstractHttpAdapter, original: Reply): Send {
  return (response, payload, status) => {
    release(payload?.bytes);
    if (payload !== undefined && adapter.getHeader(response, 'Content-Type') === undefined) {
      adapter.setHeader(response, 'Content-Type', JSON_TYPE);
    }
    return original(response, payload?.json, status);
  };
}

/**
 * The UTF-8 bytes, under our own JSON type; the text under a type the app set (the framework
 * completes it with `charset=utf-8`, which it does for text only), releasing the bytes.
 */
function bodyOf(payload: JsonPayload, type: unknown): string | Buffer {
  if (payload.bytes === undefined) return payload.json as string;
  if (type === undefined || type === JSON_TYPE) return payload.bytes;
  release(payload.bytes);
  return payload.json as string;
}

/** Nest 11 hands a web `Response` to the adapter: send its status, headers and body as Nest 12. */
function sendWebResponse(
  adapter: AbstractHttpAdapter,
  original: Reply,
  response: any,
  body: Response,
): unknown {
  body.headers.forEach((value, name) => {
    if (name !== 'set-cookie') adapter.setHeader(response, name, value);
  });
  for (const cookie of body.headers.getSetCookie()) {
    adapter.appendHeader?.(response, 'Set-Cookie', cookie);
  }
  const request = response.req ?? response.request;
  if (body.body === null || String(request?.method).toUpperCase() === 'HEAD') {
    void body.body?.cancel().catch(() => undefined);
    return original(response, undefined, body.status);
  }
  const stream = Readable.fromWeb(body.body as import('node:stream/web').ReadableStream);
  return original(response, new StreamableFile(stream), body.status);
}

function isWebResponse(value: unknown): value is Response {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.prototype.toString.call(value) === '[object Response]'
  );
}

/** Streams, `StreamableFile`s, web streams, promises and Buffers go out as they are. */
function isStream(body: unknown): boolean {
  return (
    body !== null &&
    typeof body === 'object' &&
    !isPlainData(body) &&
    (Buffer.isBuffer(body) || isStreamLike(body))
  );
}
