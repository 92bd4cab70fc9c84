/** Option types of the limits each concern checks; their defaults and checks live with the concern. */

/** How many items a page may hold: the `limit` a client gets by default and the most it may ask for. */
export interface PageLimits {
  /** `limit` when the query has none. Default 20. */
  defaultLimit?: number;
  /** Largest `limit` a client may ask for; more is 422 naming `limit`. Default 100. */
  maxLimit?: number;
}

/**
 * How a body is hashed into its tag: `'crc32'` (the default), or any hash of `node:crypto`
 * (`'sha1'`, `'sha256'`...) by name.
 */
export type EtagHash = 'crc32' | 'sha1' | 'sha256' | (string & {});

/**
 * How much a JSON body (or a validated query) may hold. The validation pipe checks these in one
 * pass before class-transformer sees the value: its cost grows with the square of an object's
 * key count, so a body within the byte limit could otherwise hold the server for seconds.
 */
export interface BodyLimits {
  /** Most keys one object may have. Default 1,000. */
  maxKeys?: number;
  /** Most elements one array may have. Default 10,000. */
  maxArrayLength?: number;
  /** Longest string (value or key), in UTF-16 code units. Default 1,048,576 (2^20). */
  maxStringLength?: number;
  /** Most values in all (objects, arrays, strings, numbers, booleans, nulls). Default 20,000. */
  maxNodes?: number;
  /** Deepest nesting of objects and arrays (the body itself is level 1). Default 32. */
  maxDepth?: number;
}
