import { absoluteUrl, requestPath } from './request-target';

/** Builds a `Location` from the handler's result and the request. */
export type LocationBuilder = (result: any, request: any) => string | undefined;

/**
 * The `Location` of a new resource: the rule's template or function, else the request path
 * (for PUT, which names the resource itself) or the request path plus the result's `id`.
 */
export function buildLocation(
  rule: { location?: string | LocationBuilder; absolute?: boolean } | undefined,
  result: any,
  request: any,
  method: string,
  requestUrl: string,
): string | undefined {
  const path = requestPath(requestUrl);
  let location: string | undefined;
  if (typeof rule?.location === 'function') location = rule.location(result, request);
  else if (typeof rule?.location === 'string') location = fillTemplate(rule.location, result);
  else if (method === 'PUT') location = path;
  else if (result !== null && typeof result === 'object' && result.id !== undefined) {
    location = `${path}/${encodeURIComponent(String(result.id))}`;
  }
  return location === undefined || !rule?.absolute ? location : absoluteUrl(location, request);
}

/** `'/api/users/:id'` with `{ id: 42 }` → `/api/users/42`; undefined when a value is missing. */
export function fillTemplate(template: string, result: any): string | undefined {
  let missing = false;
  const filled = template.replace(/:([A-Za-z_]\w*)/g, (_match, name: string) => {
    const value = result?.[name];
    if (value === undefined || value === null) missing = true;
    return encodeURIComponent(String(value));
  });
  return missing ? undefined : filled;
}
