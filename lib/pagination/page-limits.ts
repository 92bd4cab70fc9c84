import { AsyncLocalStorage } from 'node:async_hooks';

import type { PageLimits } from '../options/limits.options';

export type { PageLimits };

/** The built-in limits, used where neither the route nor `StatusModule.forRoot` sets one. */
export const DEFAULT_PAGE_LIMITS: Readonly<Required<PageLimits>> = Object.freeze({
  defaultLimit: 20,
  maxLimit: 100,
});

/**
 * The limits of the route being served. `@Paginated()` runs before the pipes, so it opens this
 * scope and the `PageQuery` rules read it while the pipe validates: the route's maximum is
 * enforced by the same pipe, with the same 422, as every other rule of the query.
 */
const routeLimits = new AsyncLocalStorage<Readonly<Required<PageLimits>>>();

/** Runs `fn` with `limits` as the limits of the current request. */
export function withPageLimits<R>(limits: Readonly<Required<PageLimits>>, fn: () => R): R {
  return routeLimits.run(limits, fn);
}

/** The limits of the current request: the `@Paginated()` route's, else the built-in ones. */
export function currentPageLimits(): Readonly<Required<PageLimits>> {
  return routeLimits.getStore() ?? DEFAULT_PAGE_LIMITS;
}

/**
 * Merges limits, later layers (module, then route) winning member by member, and checks them, so
 * that a misconfiguration fails with a hint instead of serving wrong pages. A layer that lowers
 * `maxLimit` below an inherited default lowers the default with it; a layer whose own
 * `defaultLimit` is above the maximum in force is an error.
 */
export function mergePageLimits(...layers: (PageLimits | undefined)[]): Required<PageLimits> {
  let { maxLimit, defaultLimit } = DEFAULT_PAGE_LIMITS;
  for (const layer of layers) {
    if (layer?.maxLimit !== undefined) {
      maxLimit = wholeNumber('maxLimit', layer.maxLimit);
      defaultLimit = Math.min(defaultLimit, maxLimit);
    }
    if (layer?.defaultLimit !== undefined) {
      defaultLimit = wholeNumber('defaultLimit', layer.defaultLimit);
      if (defaultLimit > maxLimit) {
        throw new Error(
          `Pagination defaultLimit (${defaultLimit}) must not be greater than maxLimit (${maxLimit}). Lower defaultLimit or raise maxLimit.`,
        );
      }
    }
  }
  return { maxLimit, defaultLimit };
}

function wholeNumber(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`Pagination ${name} must be a whole number of 1 or more, got ${value}.`);
  }
  return value;
}
