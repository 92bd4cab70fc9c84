import type { SchemaObject } from './error-schemas';

const header = (description: string, schema: SchemaObject): SchemaObject => ({
  description,
  schema,
});
const str = (maxLength: number, extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  maxLength,
  ...extra,
});
const seconds: SchemaObject = { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 };

/** Every header this library writes, as reusable `components.headers` entries. */
export const STATUS_HEADERS = {
  'X-Request-Id': header(
    'The request id: a well-formed incoming one echoed, else generated.',
    str(200),
  ),
  Location: header('Where the created resource, the job monitor or the result is.', str(2048)),
  ETag: header(
    'Strong entity tag of the representation (send it in `If-None-Match` / `If-Match`).',
    str(200),
  ),
  'Last-Modified': header('When the resource last changed (HTTP date).', str(64)),
  Link: header('`first`, `prev`, `next`, `last` page links (RFC 8288).', str(8192)),
  'X-Total-Count': header('Items in the whole list.', {
    type: 'integer',
    format: 'int64',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
  }),
  'Retry-After': header('Seconds to wait before trying again.', seconds),
  'WWW-Authenticate': header('The authentication challenge, e.g. `Bearer realm="api"`.', str(500)),
  'Cache-Control': header('`no-store`: the next poll must reach the server.', str(100)),
  'X-RateLimit-Limit': header('Requests allowed in the window.', seconds),
  'X-RateLimit-Remaining': header('Requests left in the window.', seconds),
  'X-RateLimit-Reset': header('Seconds until the window resets.', seconds),
} satisfies Record<string, SchemaObject>;

/** A header this library writes. */
export type StatusHeader = keyof typeof STATUS_HEADERS;
