import { METHODS } from 'node:http';
import fc from 'fast-check';
import type { RawRequest } from './raw-http';

/**
 * Generators of random and hostile requests for the sample API (shared/guide/sample-api.md).
 * Every value is what a client can put on the wire; `raw-http.ts` sends it byte for byte.
 */

/** Routes of the sample contract, with a stand-in for each parameter. */
export const SAMPLE_PATHS = [
  '/api/auth/token',
  '/api/profile',
  '/api/users',
  '/api/users/1',
  '/api/users/2',
  '/api/users/999999',
  '/api/admin/users/2',
  '/api/documents/42',
  '/api/documents/7',
  '/api/reports',
  '/api/reports/jobs/rpt-abc-123',
  '/api/reports/1',
  '/api/orders/1/cancel',
  '/api/orders/2/cancel',
  '/api/repos/1',
  '/api/repos/2',
] as const;

/** Routes that read a JSON body, with the methods that do. */
export const BODY_ROUTES: readonly [string, string][] = [
  ['POST', '/api/users'],
  ['PUT', '/api/users/1'],
  ['POST', '/api/auth/token'],
  ['PUT', '/api/documents/42'],
  ['PATCH', '/api/documents/42'],
  ['POST', '/api/reports'],
];

/** Methods Node's HTTP parser knows; CONNECT is left out (Node hands it to a `connect` listener). */
const KNOWN_METHODS = METHODS.filter((m) => m !== 'CONNECT');

/** A method the parser knows, or a made-up token it refuses. */
export const method = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  },
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_METHODS) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z][A-Z-]{0,11}$/) },
);

/** Bytes a path may carry that are not its plain characters, percent-encoded as they should be. */
const encodedText = fc
  .string({ unit: 'grapheme', maxLength: 12 })
  .map((s) => encodeURIComponent(s));

/** A path segment of at most 100 characters (`maxParamLength`: longer is 414 on both adapters). */
const segment = fc
  .oneof(
    fc.webSegment(),
    encodedText,
    fc.constantFrom(
      '..',
      '.',
      '',
      '%2e%2e',
      '%2F',
      '~',
      'api',
      'users',
      '1',
      '0',
      '-1',
      '1e3',
      'null',
    ),
    fc.integer().map(String),
  )
  .filter((s) => s.length <= 100);

const query = fc.oneof(
  fc.constant(''),
  fc.webQueryParameters().map((q) => `?${q}`),
  fc.constantFrom(
    '?page=0&limit=1000',
    '?page=-1',
    '?limit=abc',
    '?filter=role:',
    '?a[__proto__][x]=1',
    '?constructor[prototype][y]=2',
    '?page=1&page=2',
    '?%',
    '?=&&=',
  ),
);

/** Known routes, known routes bent out of shape, and random paths. */
export const path = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...SAMPLE_PATHS) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...SAMPLE_PATHS), fc.array(segment, { maxLength: 3 }))
        .map(([base, extra]) => [base, ...extra].join('/')),
    },
    {
      weight: 2,
      arbitrary: fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('/', '//', '/api', '/api/', '*', '/api/users//1', '/API/USERS'),
    },
  )
  .chain((p) => query.map((q) => p + q));

/** Strings for header values: printable, obs-text, control characters, CR/LF, 10 KB. */
export const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('a', '\r', '\n', '\r\n', ' ', '\t', ':', '"'),
      maxLength: 20,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'x'.repeat(10_240),
      'é'.repeat(5_000),
      'ab\r\nX-Injected: 1',
      'ab\r\n\r\nGET / HTTP/1.1',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 20 })
      .map((s) => Buffer.from(s, 'utf8').toString('latin1')),
  },
);

const etag = fc.oneof(
  fc.constantFrom(
    '*',
    '"v5"',
    'W/"v5"',
    '"v1", "v5"',
    'W/',
    '"',
    '""',
    '"unterminated',
    'v5',
    '*, "v5"',
    ',,,',
  ),
  fc.string({ maxLength: 20 }).map((s) => `"${s}"`),
  headerValue,
);
const httpDate = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.constantFrom(
    'Thu, 01 Jan 1970 00:00:00 GMT',
    'yesterday',
    '0',
    '-1',
    'Sat, 99 Foo 2026 99:99:99 GMT',
    '',
  ),
  headerValue,
);
const authorization = fc.oneof(
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Bearer a.b.c',
    'Basic YWRtaW46YWRtaW4=',
    'bearer x',
    'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOjF9.',
  ),
  headerValue.map((v) => `Bearer ${v}`),
  headerValue,
);
const requestId = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/),
  fc.constantFrom(
    'x'.repeat(129),
    'x'.repeat(10_240),
    'a b',
    '<script>',
    'req_1\r\nSet-Cookie: a=b',
  ),
  headerValue,
);

/** Media types, right and wrong. */
export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=latin1',
    'APPLICATION/JSON',
    'application/problem+json',
    'application/merge-patch+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'json',
    '',
    ';;;',
  ),
  headerValue,
);

/** Any subset of the headers a client might get wrong. */
export const hostileHeaders = fc
  .record(
    {
      'If-Match': etag,
      'If-None-Match': etag,
      'If-Modified-Since': httpDate,
      'If-Unmodified-Since': httpDate,
      Authorization: authorization,
      'X-Request-Id': requestId,
      'Content-Type': contentType,
      Accept: fc.constantFrom('*/*', 'text/html', 'application/xml', '', 'application/json;q=0'),
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.entries(h) as [string, string][]);

/** A JSON text nested `depth` levels deep. */
function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

const hostileKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'name',
  'email',
);

/** Bodies: random bytes and JSON, near-misses of the DTOs, deep nesting, huge strings, poisoned keys. */
export const body = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)) },
  { weight: 3, arbitrary: fc.json({ maxDepth: 4 }).map((j) => Buffer.from(j)) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          name: fc.oneof(fc.string({ maxLength: 120 }), fc.jsonValue({ maxDepth: 2 })),
          email: fc.oneof(
            fc.emailAddress(),
            fc.string({ maxLength: 40 }),
            fc.jsonValue({ maxDepth: 2 }),
          ),
          password: fc.string({ maxLength: 20 }),
          title: fc.string({ maxLength: 20 }),
          body: fc.string({ maxLength: 20 }),
          type: fc.constantFrom('annual', 'quarterly', 'monthly', 1),
          year: fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 6 })),
        },
        { requiredKeys: [] },
      )
      .map((o) => Buffer.from(JSON.stringify(o))),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(hostileKeys, fc.jsonValue({ maxDepth: 2 }), fc.boolean())
      .map(([key, value, wrap]) => {
        const inner = `{${JSON.stringify(key)}:{"prototype":{"polluted":true},"x":${JSON.stringify(value) ?? 'null'}}}`;
        return Buffer.from(
          wrap ? `{"name":"Ada","email":"ada@example.com","nested":${inner}}` : inner,
        );
      }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 20, max: 20_000 }), fc.boolean())
      .map(([depth, arrays]) =>
        Buffer.from(arrays ? nested(depth, '[', ']', '1') : nested(depth, '{"a":', '}', '1')),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 10_000, max: 1_200_000 })
      .map((n) => Buffer.from(JSON.stringify({ name: 'x'.repeat(n), email: 'ada@example.com' }))),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('', '{', '}', 'null', '[]', '"str"', '1', 'true', '{"name":}', '\uFEFF{}')
      .map((s) => Buffer.from(s)),
  },
);

/** A request to a route that reads a body, with a random body and content type. */
export const bodyRequest: fc.Arbitrary<RawRequest> = fc
  .tuple(
    fc.constantFrom(...BODY_ROUTES),
    body,
    // Mostly JSON, so most bodies reach the parser and the validation pipe rather than a 415.
    fc.oneof(
      { weight: 6, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: contentType },
    ),
    fc.option(requestId, { nil: undefined }),
  )
  .map(([[m, p], b, type, id]) => ({
    method: m,
    path: p,
    headers: [
      ...(type === undefined ? [] : [['Content-Type', type] as [string, string]]),
      ...(id === undefined ? [] : [['X-Request-Id', id] as [string, string]]),
    ],
    body: b,
  }));

/** A request to a sample route with a random subset of hostile headers. */
export const headerRequest: fc.Arbitrary<RawRequest> = fc
  .tuple(
    fc.constantFrom('GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'POST'),
    fc.constantFrom(...SAMPLE_PATHS),
    hostileHeaders,
  )
  .map(([m, p, headers]) => ({
    method: m,
    path: p,
    headers,
    body: ['PUT', 'PATCH', 'POST'].includes(m)
      ? Buffer.from('{"name":"Ada","email":"ada@example.com","title":"t","body":"b"}')
      : undefined,
  }));

/** A random method on a random path, with or without a small JSON body. */
export const routeRequest: fc.Arbitrary<RawRequest> = fc
  .tuple(method, path, fc.boolean())
  .map(([m, p, withBody]) => ({
    method: m,
    path: p,
    headers: withBody ? ([['Content-Type', 'application/json']] as [string, string][]) : [],
    body: withBody ? Buffer.from('{"name":"Ada","email":"ada@example.com"}') : undefined,
  }));

/** A percent sign not followed by two hex digits, or an encoding of no UTF-8 character. */
const badEncoding = fc.oneof(
  fc.constantFrom('%', '%z', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%ED%A0%80', '%%', '%0'),
  fc.stringMatching(/^%[0-9A-Fa-f]?[G-Zg-z]$/),
);

/** A sample route with a badly percent-encoded segment in place of, or after, its parameter. */
export const badlyEncodedPath: fc.Arbitrary<RawRequest> = fc
  .tuple(
    fc.constantFrom('/api/users', '/api/documents', '/api/repos', '/api'),
    badEncoding,
    fc.webSegment(),
  )
  .map(([base, bad, tail]) => ({ method: 'GET', path: `${base}/${tail}${bad}`, headers: [] }));

/** A sample route whose parameter is longer than 100 characters (Fastify's `maxParamLength`). */
export const longParameterPath: fc.Arbitrary<RawRequest> = fc
  .tuple(
    fc.constantFrom('/api/users/', '/api/documents/', '/api/repos/'),
    fc.integer({ min: 101, max: 2000 }),
  )
  .map(([base, n]) => ({ method: 'GET', path: base + '1'.repeat(n), headers: [] }));

/** A request Node's HTTP parser refuses: an unknown method, raw bytes in the path, CR/LF in a value. */
export const unparsableRequest: fc.Arbitrary<RawRequest> = fc.oneof(
  fc
    .stringMatching(/^[A-Z]{1,10}$/)
    .filter((m) => !METHODS.includes(m))
    .map((m) => ({ method: m, path: '/api/users/1', headers: [] as [string, string][] })),
  fc
    .constantFrom('/é', '/a b', '/\x01')
    .map((p) => ({ method: 'GET', path: p, headers: [] as [string, string][] })),
  fc.constantFrom('a\rb', 'a\x00b', 'a\x7fb', 'a\nb').map((v) => ({
    method: 'GET',
    path: '/api/users/1',
    headers: [['X-Request-Id', v]] as [string, string][],
  })),
);
