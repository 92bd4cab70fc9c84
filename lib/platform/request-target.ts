/**
 * The origin form (`/path?query`) of a request target. A client may send the absolute form
 * (`GET http://host/path HTTP/1.1`, RFC 9112 3.2.2), and Express keeps it in `originalUrl`:
 * built into `Location`, `Link` or `instance`, it would send the client to a host it named.
 */
export function originForm(url: string): string {
  if (url.charCodeAt(0) === 0x2f /* / */) return url;
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (!origin) return url;
  const rest = url.slice(origin[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The path of a request target, without its query or origin. */
export function pathOf(url: string): string {
  const target = originForm(url);
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** `/api/reports` from `/api/reports/?x=1`: the path a default URL is built on. */
export function requestPath(url: string): string {
  return pathOf(url).replace(/\/+$/, '');
}

/** `http://host/path` from a path, with the request's protocol and `Host`. URLs pass through. */
export function absoluteUrl(path: string, request: any): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  const protocol = request.protocol ?? 'http';
  return `${protocol}://${request.headers?.host ?? 'localhost'}${path}`;
}
