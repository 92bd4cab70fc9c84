import * as lib from '../../lib';
import * as redis from '../../lib/redis';

/**
 * Library features a scenario may need. Each lands on its own branch; until `main` has it, the
 * scenarios that need it are reported as pending instead of measured.
 */
export type Feature = 'etag' | 'throttle';

/** What each feature is, for the "pending" note in the results. */
export const FEATURE_NAMES: Readonly<Record<Feature, string>> = {
  etag: 'ETag / 304 interceptor',
  throttle: 'rate limiting (429) integration',
};

/**
 * How to tell that the library has a feature: one of its public exports. Probed by name so the
 * bench compiles before the feature exists; `bench/api/ours.module.ts` wires it in once it does.
 */
const PROBES: Readonly<Record<Feature, readonly string[]>> = {
  etag: ['ETag'],
  throttle: ['RedisThrottlerStorage'],
};

/** The features the library in this checkout exports. */
export function libraryFeatures(): Set<Feature> {
  // The root and the subpath entries the probes live on (`nestjs-status/redis`).
  const exported = { ...lib, ...redis } as Record<string, unknown>;
  const found = new Set<Feature>();
  for (const [feature, names] of Object.entries(PROBES) as [Feature, readonly string[]][]) {
    if (names.some((name) => exported[name] !== undefined)) found.add(feature);
  }
  return found;
}
