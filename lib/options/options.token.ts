/**
 * The resolved options of `StatusModule`, frozen once (internal: not exported from `index.ts`).
 * Each part injects it typed by the settings it reads.
 */
export const STATUS_OPTIONS = Symbol('nestjs-status.resolvedOptions');
