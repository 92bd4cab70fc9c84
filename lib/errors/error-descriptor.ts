/** One field-level problem, as listed in an error's `details`. */
export interface FieldProblem {
  /** Dotted path of the field: `email`, `address.city`, `items[0].sku`. */
  field: string;
  /** What is wrong with it, for a person. */
  message: string;
  /** Machine-readable constraint code, e.g. `INVALID_FORMAT`. */
  code: string;
}

/**
 * Everything the exception filter needs to answer one failure, whatever threw it.
 * Built by the `ErrorNormalizer`, written by the `ErrorBodyWriter`.
 */
export interface ErrorDescriptor {
  status: number;
  code: string;
  message: string;
  details?: FieldProblem[];
  /** Extra top-level members (`field`, `currentVersion`, `retryAfter`, ...). */
  extras?: Record<string, unknown>;
  /** Headers the answer must carry (`Allow`, `WWW-Authenticate`, `Retry-After`, ...). */
  headers?: Record<string, string>;
  /** Auth-params appended to the `WWW-Authenticate` challenge of a 401 (`error="invalid_token"`). */
  challengeParams?: Record<string, string>;
}
