import { pathOf } from '../routing/request-target';

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
