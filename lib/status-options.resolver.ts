import { checkEtagHash } from './conditional/body-hash';
import { resolveJobsOptions } from './options/jobs.options';
import { resolveShutdownOptions } from './options/shutdown.options';
import {
  ConditionalOptions,
  ErrorsOptions,
  LimitsOptions,
  checkedObject,
  MOVED_OPTIONS,
  part,
  RequestIdOptions,
  type ResolvedStatusOptions,
  StatusModuleOptions,
  SuccessOptions,
  ValidationOptions,
} from './options/status-options';
import { mergePageLimits } from './pagination/page-limits';
import { resolveBodyLimits } from './validation/body-limits';

const CONCERNS = new Set(Object.keys(new StatusModuleOptions()));

/**
 * The options of `StatusModule.forRoot()` resolved once: each concern's members over its
 * defaults, each checked by the concern that uses it (a wrong value fails at start-up, saying
 * which and why), then frozen. An option of 0.1 fails with the place it moved to.
 */
export function resolveStatusOptions(options: StatusModuleOptions = {}): ResolvedStatusOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`StatusModule: the options must be an object; got ${String(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (CONCERNS.has(key)) continue;
    const moved = MOVED_OPTIONS[key];
    throw new TypeError(
      moved
        ? `StatusModule: the option '${key}' is now '${moved}' (see docs/migration.md).`
        : `StatusModule: unknown option '${key}'; the options are ${[...CONCERNS].join(', ')}.`,
    );
  }
  const conditional = part('conditional', options.conditional, ConditionalOptions, true);
  if (conditional) checkEtagHash(conditional.hash);
  const limits = part('limits', options.limits, LimitsOptions, false) as Required<LimitsOptions>;
  const errors = part('errors', options.errors, ErrorsOptions, true);
  const validation = part('validation', options.validation, ValidationOptions, true);
  return freeze({
    errors: errors && { ...errors, mappings: Object.freeze([...errors.mappings]) },
    requestId: part(
      'requestId',
      options.requestId,
      RequestIdOptions,
      false,
    ) as Required<RequestIdOptions>,
    validation: validation && { mediaTypes: Object.freeze([...validation.mediaTypes]) },
    limits: { ...limits, body: resolveBodyLimits(limits.body) },
    success: part('success', options.success, SuccessOptions, true),
    conditional,
    auth: options.auth === false ? false : objectPart('auth', options.auth ?? {}),
    rateLimit:
      options.rateLimit === undefined || options.rateLimit === false
        ? false
        : objectPart('rateLimit', options.rateLimit),
    jobs: resolveJobsOptions(objectPart('jobs', options.jobs ?? {})),
    pagination: mergePageLimits(objectPart('pagination', options.pagination ?? {})),
    shutdown:
      options.shutdown === false
        ? false
        : resolveShutdownOptions(objectPart('shutdown', options.shutdown ?? {})),
  });
}

/** A copy of a concern given as an object (the app's own object is never frozen). */
function objectPart<T extends object>(name: string, value: T): T {
  return { ...checkedObject(name, value) };
}

/** Freezes the resolved options and each concern's own object (never a user's value inside). */
function freeze(options: ResolvedStatusOptions): ResolvedStatusOptions {
  for (const value of Object.values(options)) if (value) Object.freeze(value);
  return Object.freeze(options);
}
