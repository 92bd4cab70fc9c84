/** Set on a request whose route said `@ETag(false)`: the reply shaper hashes nothing. */
export const NO_AUTO_ETAG = Symbol('nestjs-status.noAutoEtag');

/** Set once the conditional interceptor ran for a request (class and handler may both add it). */
export const CONDITIONAL_APPLIED = Symbol('nestjs-status.conditionalApplied');

/** A route's `@DeleteMissing()` choice, for the filter to read. */
export const DELETE_MISSING = Symbol('nestjs-status.deleteMissing');
