const choices = new WeakMap<object, 404 | 204>();

/**
 * Records what a DELETE of a missing resource answers for the route that threw `error` (its
 * `@DeleteMissing()`), for the filter, which decides once the error is normalized (a mapped ORM
 * error is a 404 too). Written by the route's interceptor; the app-wide option applies otherwise.
 */
export function answerMissingDeleteWith<E>(error: E, status: 404 | 204): E {
  if (typeof error === 'object' && error !== null) choices.set(error, status);
  return error;
}

/** The route's choice for a missing DELETE that threw `error`, if its interceptor recorded one. */
export function missingDeleteAnswer(error: unknown): 404 | 204 | undefined {
  return typeof error === 'object' && error !== null ? choices.get(error) : undefined;
}
