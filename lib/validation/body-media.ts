import type { IncomingMessage } from 'node:http';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { DomainError } from '../errors/domain-errors';
import { UnsupportedMediaTypeError } from '../errors/domain-errors';
import { refuseRequestHead } from '../errors/client-error';
import { UnsupportedCharsetError, UnsupportedContentEncodingError } from '../errors/request-errors';
import type { ResolvedValidationOptions } from '../options/status-options';

const CHECKED = Symbol('nestjs-status.requestsChecked');

/** Express's body parsers, by the names Nest looks for (`isMiddlewareApplied`). */
const PARSER_NAMES = new Set(['jsonParser', 'urlencodedParser', 'textParser', 'rawParser']);

/**
 * The same answer on both adapters for a request body no parser should have taken, at no cost
 * to a route's own pipeline:
 * - Express leaves a body in an unknown media type unparsed (and validation would run on
 *   nothing) where Fastify answers 415: a middleware answers 415 too (multipart aside, which
 *   route interceptors such as multer parse later).
 * - Express's parser makes `{}` of an empty JSON body where Fastify refuses it: it becomes no body.
 * - Fastify parses `text/plain` into a string that no DTO can be, where Express has no text
 *   parser: unless the app registered one itself (`app.useBodyParser('text/plain')`), Fastify's
 *   default is removed, so both answer 415.
 * Called from the module's `configure`: after the body parsers, before the routes.
 */
export function alignBodyMedia(adapter: AbstractHttpAdapter): void {
  const instance = adapter.getInstance();
  if (adapter.getType() === 'fastify') {
    const own: Set<string> | undefined = (adapter as any).registeredContentTypes;
    if (!own?.has('text/plain') && instance.hasContentTypeParser?.('text/plain')) {
      instance.removeContentTypeParser('text/plain');
    }
    return;
  }
  if (typeof instance?.use !== 'function') return;
  instance.use((request: any, _response: unknown, next: (error?: unknown) => void) => {
    const headers = request.headers;
    const length = headers['content-length'];
    if (request.body !== undefined) {
      if (length === '0' && isEmptyObject(request.body)) request.body = undefined;
      return next();
    }
    if (hasBody(headers) && !String(headers['content-type'] ?? '').startsWith('multipart/')) {
      return next(new UnsupportedMediaTypeError());
    }
    next();
  });
}

/**
 * Checks every request before its body is read, after the adapter's first steps (where the rate
 * limit counts it): on Fastify an `onRequest` hook added after the adapter's own and the app's
 * (Nest middleware included), on Express inside the first body parser, before it reads (or, with
 * no parser, a middleware before the routes). Answers, in the envelope:
 * - the request head the app cannot serve (`refuseRequestHead`: `Host`, `Expect`, version,
 *   transfer codings), when `head` is set;
 * - a body the app does not take (`refuseBodyMedia`), when `validation` is on.
 * Called from the module's `configure`, once the parsers are in place.
 */
export function checkRequestsBeforeParsing(
  adapter: AbstractHttpAdapter,
  validation: ResolvedValidationOptions | undefined,
  checks: { head: boolean },
): void {
  const instance = adapter.getInstance();
  if (!instance || instance[CHECKED] || (!checks.head && !validation)) return;
  const accepted = validation?.mediaTypes.map((type) => type.toLowerCase());
  const refuse = (request: IncomingMessage): DomainError | undefined =>
    (checks.head ? refuseRequestHead(request) : undefined) ??
    (accepted && mayCarryBody(request) ? refuseBodyMedia(request.headers, accepted) : undefined);
  if (adapter.getType() === 'fastify') {
    if (typeof instance.addHook !== 'function') return;
    instance[CHECKED] = true;
    // `onRequest`, not `preParsing`: Fastify skips a route's `preParsing` phase when no hook is
    // there, and the phase (closures and a bound function per request) costs more than the check.
    instance.addHook(
      'onRequest',
      (request: { raw: IncomingMessage }, _reply: unknown, done: Done) => {
        done(refuse(request.raw) ?? null);
      },
    );
    return;
  }
  const stack: any[] | undefined = instance.router?.stack;
  if (typeof instance.use !== 'function' || !Array.isArray(stack)) return;
  instance[CHECKED] = true;
  // Inside the first body parser, wherever it is: whatever the app put before it runs first.
  const parser = stack.find((layer) => PARSER_NAMES.has(layer?.handle?.name));
  if (!parser) {
    instance.use(function checkRequest(request: IncomingMessage, _res: unknown, next: Next) {
      next(refuse(request));
    });
    return;
  }
  const parse = parser.handle;
  const checkThenParse = (request: IncomingMessage, response: unknown, next: Next) => {
    const refusal = refuse(request);
    if (refusal) next(refusal);
    else parse(request, response, next);
  };
  // Nest and others find the parsers by name (`isMiddlewareApplied`): the name stays.
  Object.defineProperty(checkThenParse, 'name', { value: parse.name });
  parser.handle = checkThenParse;
}

type Done = (error: Error | null) => void;
type Next = (error?: unknown) => void;

/**
 * The refusal a request body earns before any parser reads it, or undefined to go on:
 * - a `Content-Encoding` other than `identity`: 415 with `Accept-Encoding: identity` (RFC 9110
 *   8.4 and 15.5.16; Express would inflate some codings and Fastify none);
 * - a media type not in `accepted` (forms and multipart included: a browser posts those
 *   cross-site without asking), or none at all: 415;
 * - JSON in a charset other than UTF-8 (RFC 8259 8.1): 415.
 * `accepted` holds lower-case media types (`application/json`).
 */
export function refuseBodyMedia(
  headers: IncomingMessage['headers'],
  accepted: readonly string[],
): DomainError | undefined {
  if (!hasBody(headers)) return undefined;
  const coding = headers['content-encoding'];
  if (coding !== undefined && coding.trim().toLowerCase() !== 'identity') {
    return new UnsupportedContentEncodingError();
  }
  const contentType = headers['content-type'] ?? '';
  const semicolon = contentType.indexOf(';');
  const essence = (semicolon === -1 ? contentType : contentType.slice(0, semicolon))
    .trim()
    .toLowerCase();
  if (!accepted.includes(essence)) return new UnsupportedMediaTypeError(mediaMessage(accepted));
  if (semicolon !== -1 && (essence === 'application/json' || essence.endsWith('+json'))) {
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType.slice(semicolon));
    if (charset && charset[1].toLowerCase() !== 'utf-8') return new UnsupportedCharsetError();
  }
  return undefined;
}

/**
 * Whether a request has a `Content-Length` or `Transfer-Encoding` line at all, read from its raw
 * lines: a request without either carries no body, and its header object is not built for it.
 */
function mayCarryBody(request: IncomingMessage): boolean {
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const length = raw[i].length;
    if (length !== 14 && length !== 17) continue;
    const name = raw[i].toLowerCase();
    if (name === 'content-length' || name === 'transfer-encoding') return true;
  }
  return false;
}

/** Whether a request says it carries a body (a length above zero, or chunks). */
function hasBody(headers: IncomingMessage['headers']): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function mediaMessage(accepted: readonly string[]): string | undefined {
  if (accepted.length === 1 && accepted[0] === 'application/json') return undefined; // the default
  if (accepted.length === 0) return 'This server takes no request bodies.';
  return `The request body has a media type this route does not accept. Send ${accepted.join(' or ')}.`;
}

function isEmptyObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (const _key in value) return false;
  return true;
}
