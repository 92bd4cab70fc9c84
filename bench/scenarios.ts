import type { Profile } from './api/bench-app.module';
import type { Feature } from './api/features';
import { INVALID_ITEM, MALFORMED_ITEM, VALID_ITEM } from './api/payloads';
import { LoadRequest, once } from './harness/load';

export type Adapter = 'express' | 'fastify';
export type Variant = 'bare' | 'ours';

/** A running server a scenario is prepared against. */
export interface Target {
  url: string;
  adapter: Adapter;
  variant: Variant;
  /** Library features the server wired in (empty for bare). */
  features: ReadonlySet<string>;
}

/** The request a variant is driven with, and the one status every response must have. */
export interface Prepared {
  request: LoadRequest;
  status: number;
  /** Shown in the results when the variant is measured on something else than the title says. */
  note?: string;
}

/** One row of the results: the same situation, on bare Nest and with `StatusModule.forRoot()`. */
export interface Scenario {
  id: string;
  title: string;
  /** Success paths must keep 0.97× of bare; error paths must match Nest's own (1.0×). */
  kind: 'success' | 'error';
  /** Measured only once the library has this feature; "pending" until then. */
  requires?: Feature;
  /** Which servers it runs against (default `plain`). */
  profile?: Profile;
  /** Lowest acceptable ratio ours/bare on `adapter` (requests per second, unless `judgedBy`). */
  budget(adapter: Adapter, features: ReadonlySet<string>): number;
  /**
   * The figure the budget is held to on `adapter` (default `rps`): `cpu` is bare/ours server CPU
   * per request, the steadier figure where the load generator shares a 2-core machine.
   */
  judgedBy?(adapter: Adapter): 'rps' | 'cpu';
  /** Works out the request for a variant; may send set-up requests first. */
  prepare(target: Target): Promise<Prepared>;
}

/** Budgets from docs/performance.md. */
export const BUDGET = {
  success: 0.97,
  /** Express hashes every GET for its weak ETag; ours hashes once instead, so no slower. */
  expressEtag: 1.0,
  error: 1.0,
  /** ours 304 req/s over ours 200 req/s for the same resource: the 304 must be faster. */
  notModifiedOverOk: 1.0,
} as const;

const JSON_HEADERS = { 'content-type': 'application/json' };

/** GET budget: 1.0× on Express once our ETag replaces Express's SHA-1 one, else 0.97×. */
function getBudget(adapter: Adapter, features: ReadonlySet<string>): number {
  return adapter === 'express' && features.has('etag') ? BUDGET.expressEtag : BUDGET.success;
}

const success = () => BUDGET.success;
const error = () => BUDGET.error;

function fixed(request: LoadRequest, bare: number, ours = bare) {
  return async (target: Target): Promise<Prepared> => ({
    request,
    status: target.variant === 'bare' ? bare : ours,
  });
}

/** The scenarios, in the order of the results table. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'get-small',
    title: 'GET 200 small JSON',
    kind: 'success',
    budget: getBudget,
    // Held in server CPU per request on Fastify (the project's decision on the old budget question).
    judgedBy: (adapter) => (adapter === 'fastify' ? 'cpu' : 'rps'),
    prepare: fixed({ method: 'GET', path: '/small' }, 200),
  },
  {
    id: 'get-large',
    title: 'GET 200 ~100 KB JSON',
    kind: 'success',
    budget: getBudget,
    prepare: fixed({ method: 'GET', path: '/large' }, 200),
  },
  {
    id: 'get-304',
    title: 'GET 304 (If-None-Match)',
    kind: 'success',
    requires: 'etag',
    budget: getBudget,
    async prepare(target) {
      const etag = (await once(target.url, { method: 'GET', path: '/small' })).headers.etag;
      if (typeof etag !== 'string') {
        // Bare Nest on Fastify sends no ETag, so it has no 304 to measure: its 200 stands in.
        return {
          request: { method: 'GET', path: '/small' },
          status: 200,
          note: `bare ${target.adapter} has no ETag: its 200 is measured`,
        };
      }
      return {
        request: { method: 'GET', path: '/small', headers: { 'if-none-match': etag } },
        status: 304,
      };
    },
  },
  {
    id: 'post-201',
    title: 'POST 201 with Location',
    kind: 'success',
    budget: success,
    prepare: fixed(
      { method: 'POST', path: '/items', headers: JSON_HEADERS, body: VALID_ITEM },
      201,
    ),
  },
  {
    id: 'post-422',
    title: 'POST 422 (validation)',
    kind: 'error',
    budget: error,
    // Bare Nest answers a failed ValidationPipe with 400; ours with 422 and per-field details.
    prepare: fixed(
      { method: 'POST', path: '/items', headers: JSON_HEADERS, body: INVALID_ITEM },
      400,
      422,
    ),
  },
  {
    id: 'post-400',
    title: 'POST 400 malformed JSON',
    kind: 'error',
    budget: error,
    async prepare(target): Promise<Prepared> {
      const request: LoadRequest = {
        method: 'POST',
        path: '/items',
        headers: JSON_HEADERS,
        body: MALFORMED_ITEM,
      };
      if (target.adapter !== 'fastify' || target.variant !== 'bare')
        return { request, status: 400 };
      return {
        request,
        status: 400,
        note:
          'bare Fastify closes the connection after a body it could not parse, so each of its 400s ' +
          'costs a new connection; ours keeps it open once the JSON body was read to its end (as ' +
          'Express does), so the ratio is mostly that connection',
      };
    },
  },
  {
    id: 'not-found',
    title: 'unknown route 404',
    kind: 'error',
    budget: error,
    prepare: fixed({ method: 'GET', path: '/no/such/route' }, 404),
  },
  {
    id: 'throttled',
    title: '429 rate limited',
    kind: 'error',
    requires: 'throttle',
    profile: 'rate-limited',
    budget: error,
    async prepare(target) {
      // The limit is one request per hour: spend it, and every request after is a 429.
      for (let i = 0; i < 2; i++) {
        await once(target.url, { method: 'GET', path: '/limited' });
      }
      return { request: { method: 'GET', path: '/limited' }, status: 429 };
    },
  },
];
