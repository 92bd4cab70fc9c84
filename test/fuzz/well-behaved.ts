import { reasonPhrase } from '../../lib/errors/reason-phrases';
import { REQUEST_ID } from '../support/http-app';
import type { RawRequest, RawResponse } from './raw-http';

/** What the library accepts as an incoming request id (lib/errors/request-id.ts). */
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CODE = /^[A-Z][A-Z0-9_]*$/;

/**
 * What a response must never show: a stack frame, a source path, a driver or runtime error name.
 * (An answer may quote the client's own path or field names; these are not the client's.)
 */
const INTERNALS = [
  // a stack frame: "at fn (/app/x.js:1:2)", "at node:internal/x:1:2", "at file:///x.js:1:2"
  /\bat (?:[^\s()]+ )?\(?(?:\/|[A-Za-z]:\\|node:|file:)[^\s)]*:\d+:\d+\)?/,
  /node_modules|\/work\/|dist\/lib|\.ts:\d+/,
  /\b(TypeError|ReferenceError|RangeError|SyntaxError|SqliteError|SQLITE_[A-Z]+)\b/,
  /Cannot read propert|is not a function|Maximum call stack|Unexpected token|in JSON at position \d+ \(line/,
];

/** Control characters other than HTAB, which a header value may not carry (RFC 9110 5.5). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/**
 * The first match of an `INTERNALS` pattern that is not the client's own text echoed back (a
 * 404 may quote a path such as `/node_modules/x`), or `undefined`.
 */
function internalsIn(text: string, request: RawRequest): string | undefined {
  const own = [request.path, safeDecode(request.path), ...request.headers.map(([, v]) => v)];
  if (request.body) own.push(request.body.toString('utf8'));
  for (const pattern of INTERNALS) {
    for (const match of text.matchAll(new RegExp(pattern.source, 'g'))) {
      if (!own.some((o) => o.includes(match[0]))) return `${pattern}: ${match[0]}`;
    }
  }
  return undefined;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The size of the request's own header lines. */
function headBytes(request: RawRequest): number {
  return request.headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
}

/** A header value with CR, LF or another control character: the request may not be what it seems. */
function smuggles(request: RawRequest): boolean {
  return request.headers.some(([, value]) => CONTROL.test(value));
}

/**
 * The fuzz invariant, for every answer: never a 5xx, never internals, a well-formed
 * `X-Request-Id` (the client's when it was well formed), and for an error our envelope (or
 * problem document) carrying the same id. That holds for requests Node's HTTP parser refuses
 * (unknown method: 501, raw bytes in the path, CR/LF in a value: 400, a head over 16 KB: 431) and
 * Fastify answers itself (bad percent-encoding, long parameter) as much as for the app's own.
 * Throws with the request and response when violated.
 */
export function expectWellBehaved(request: RawRequest, response: RawResponse): void {
  const fail = (why: string): never => {
    const shown = {
      method: request.method,
      path: request.path.slice(0, 300),
      headers: request.headers.map(([k, v]) => [k, v.slice(0, 120)]),
      body: request.body?.subarray(0, 200).toString('latin1'),
    };
    throw new Error(
      `${why}\nrequest: ${JSON.stringify(shown)}\nresponse: ${response.status} ` +
        `${JSON.stringify(response.headers)}\n${response.text.slice(0, 500)}`,
    );
  };
  // 501 and 505 are what RFC 9110 prescribes for a method, transfer coding or version the server
  // does not implement (15.6.2, 15.6.6): the client's doing, and answered as such.
  if (response.status >= 500 && response.status !== 501 && response.status !== 505)
    fail(`a ${response.status} for a client's request`);
  const leak = internalsIn(response.text, request);
  if (leak) fail(`the body shows internals (${leak})`);
  const id = response.headers['x-request-id'];
  if (id === undefined) fail('an answer without X-Request-Id: something else than us shaped it');
  if (!WELL_FORMED_ID.test(id)) fail('a malformed X-Request-Id was sent back');
  const sent = request.headers.filter(([k]) => k.toLowerCase() === 'x-request-id');
  if (smuggles(request) || headBytes(request) > 15_000) {
    // CR/LF in a value may have cut the headers short, and a head over Node's 16 KB is refused
    // (431) before its headers are read: either way the server never saw the client's id.
  } else if (sent.length === 1 && WELL_FORMED_ID.test(sent[0][1].trim())) {
    if (id !== sent[0][1].trim()) fail("the client's well-formed request id was not echoed");
  } else if (sent.length === 0 && !REQUEST_ID.test(id)) {
    fail('a generated request id is not req_ + 32 hex digits');
  }
  if (response.status < 400 || request.method === 'HEAD') return;
  const type = response.headers['content-type'] ?? '';
  if (!/^application\/(problem\+)?json; charset=utf-8$/.test(type)) {
    fail(`an error with Content-Type "${type}"`);
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(response.text);
  } catch {
    return fail('an error body that is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    fail('an error body that is not an object');
  const problem = type.startsWith('application/problem+json');
  if (problem) {
    if (body.status !== response.status) fail('a problem whose status is not the real one');
    if (body.title !== reasonPhrase(response.status))
      fail('a problem whose title is not the reason phrase');
    if (typeof body.detail !== 'string') fail('a problem without detail');
  } else {
    if (body.error !== reasonPhrase(response.status))
      fail('an envelope whose error is not the reason phrase');
    if (typeof body.message !== 'string' || body.message === '')
      fail('an envelope without message');
  }
  if (typeof body.code !== 'string' || !CODE.test(body.code))
    fail('an error without an UPPER_SNAKE code');
  if (body.requestId !== id) fail('an error whose requestId is not its X-Request-Id');
  if ('stack' in body) fail('an error body with a stack');
  if ('statusCode' in body) fail("Nest's or an adapter's own error body, not ours");
}
