import type { PageLink } from './paginated-result';

/** Characters a URI may carry as they are (RFC 3986 unreserved, sub-delims, `:@/?%`). */
const URI_SAFE = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]|%(?![0-9A-Fa-f]{2})/gu;

/**
 * The request's URL (path and query, as received) with some query parameters set or removed.
 * Every other parameter keeps its place and its exact bytes (`filter=role:admin` stays as sent);
 * a changed parameter takes the place of its first occurrence, a new one goes last. Characters
 * that may not appear in a URI (or would end the `<...>` of a Link) are percent-encoded.
 *
 * @example
 * withQueryParams('/api/users?filter=role:admin&page=1', { page: '2', limit: '20' })
 * // '/api/users?filter=role:admin&page=2&limit=20'
 */
export function withQueryParams(
  url: string,
  params: Readonly<Record<string, string | undefined>>,
): string {
  const hash = url.indexOf('#');
  const target = hash === -1 ? url : url.slice(0, hash);
  const mark = target.indexOf('?');
  // A leading `//` would make the relative link a network-path reference to another host.
  const path = (mark === -1 ? target : target.slice(0, mark)).replace(/^\/{2,}/, '/');
  const query = mark === -1 ? '' : target.slice(mark + 1);

  const pending = new Map(Object.entries(params));
  const pairs: string[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const name = decodeName(pair);
    if (!Object.hasOwn(params, name)) {
      pairs.push(encodeUnsafe(pair));
    } else if (pending.has(name)) {
      const value = pending.get(name);
      pending.delete(name);
      if (value !== undefined) pairs.push(formatPair(name, value));
    }
  }
  for (const [name, value] of pending) if (value !== undefined) pairs.push(formatPair(name, value));
  return pairs.length === 0 ? encodeUnsafe(path) : `${encodeUnsafe(path)}?${pairs.join('&')}`;
}

/**
 * A `Link` header value (RFC 8288) for a page's links, relative to the request URL:
 * `</api/users?page=2&limit=20>; rel="next", </api/users?page=5&limit=20>; rel="last"`.
 * `undefined` when no link applies.
 */
export function linkHeader(url: string, links: readonly PageLink[]): string | undefined {
  if (links.length === 0) return undefined;
  return links
    .map((link) => `<${withQueryParams(url, link.params)}>; rel="${link.rel}"`)
    .join(', ');
}

/** The decoded name of a `name=value` pair (form encoding: `+` is a space). */
function decodeName(pair: string): string {
  const eq = pair.indexOf('=');
  const raw = (eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function formatPair(name: string, value: string): string {
  return `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
}

/** Node refuses non-ASCII request targets, so what is left to encode is ASCII (`<>"{|}^\``). */
function encodeUnsafe(text: string): string {
  return text.replace(URI_SAFE, (char) => {
    try {
      return encodeURIComponent(char);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate: U+FFFD
    }
  });
}
