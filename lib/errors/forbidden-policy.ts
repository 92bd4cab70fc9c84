/**
 * What the exception filter answers instead of a 403, asked of the auth part when it is on
 * (provided under `FORBIDDEN_POLICY`): a hidden resource's 404, or a 401 for an anonymous caller.
 */
export interface ForbiddenPolicy {
  /** The error to answer with instead of `exception` (status `status`), or `undefined` to keep it. */
  replace(exception: unknown, status: number, request: any): unknown;
}

/** The token the auth part provides its `ForbiddenPolicy` under; optional for the filter. */
export const FORBIDDEN_POLICY = Symbol('nestjs-status.forbiddenPolicy');
