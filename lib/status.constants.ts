/** Internal tokens: not exported from `index.ts`. */
export const RESOLVED_STATUS_OPTIONS = Symbol('nestjs-status.resolvedOptions');
