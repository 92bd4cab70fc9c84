import { Inject } from '@nestjs/common';

/**
 * The resolved options of `StatusModule`, frozen once (internal: not exported from `index.ts`).
 * Each part injects it typed by the settings it reads.
 */
export const STATUS_OPTIONS = Symbol('nestjs-status.resolvedOptions');

/**
 * Injects the module's resolved options (`ResolvedStatusOptions`): every concern with its defaults
 * filled in, `false` where a part is off, frozen.
 *
 * @example
 * constructor(@InjectStatusOptions() private readonly status: ResolvedStatusOptions) {}
 */
export function InjectStatusOptions(): PropertyDecorator & ParameterDecorator {
  return Inject(STATUS_OPTIONS);
}
