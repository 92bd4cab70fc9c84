const kept = new WeakSet<object>();

/**
 * Marks an error to be answered with its own status, past the filter's app-wide rewrites (the
 * `deleteMissing: 204` of a missing DELETE): a route's own `@DeleteMissing(404)` says so.
 */
export function keepStatus<E>(error: E): E {
  if (typeof error === 'object' && error !== null) kept.add(error);
  return error;
}

/** Whether `keepStatus` marked this error. */
export function isStatusKept(error: unknown): boolean {
  return typeof error === 'object' && error !== null && kept.has(error);
}
