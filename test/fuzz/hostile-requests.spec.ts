import fc from 'fast-check';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';
import {
  badlyEncodedPath,
  bodyRequest,
  headerRequest,
  longParameterPath,
  routeRequest,
  unparsableRequest,
} from './hostile';
import { RawRequest, sendRaw } from './raw-http';
import { expectWellBehaved } from './well-behaved';

/**
 * Property-based fuzzing of the sample API over real HTTP (one raw socket per case, so no client
 * library refuses or repairs a hostile request). Bounded by `numRuns`, a few seconds each.
 * A failure prints fast-check's seed and the shrunk request; rerun it with FUZZ_SEED=<seed>.
 */
const BODY_RUNS = 400;
const HEADER_RUNS = 400;
const ROUTE_RUNS = 500;
const EDGE_RUNS = 100;

const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** Prints a counterexample with its long values cut (a 10 KB header would flood the report). */
function shortPrint(request: RawRequest): RawRequest {
  const cut = (v: string) => (v.length > 80 ? `${v.slice(0, 80)}...(${v.length} chars)` : v);
  return Object.assign(request, {
    [fc.toStringMethod]: () =>
      JSON.stringify({
        method: request.method,
        path: cut(request.path),
        headers: request.headers.map(([k, v]) => [k, cut(v)]),
        body: request.body && cut(request.body.toString('latin1')),
      }),
  });
}

describe.each(SAMPLE_ADAPTERS)('hostile requests to the sample on %s', (adapter) => {
  let sample: RunningSample;
  beforeAll(async () => {
    // A limit no fuzz run reaches, so every case gets to the code it aims at instead of a 429.
    sample = await startSample(adapter, { rateLimit: 1_000_000_000 });
  });
  afterAll(() => sample.close());

  /** Runs the property; returns how many answers each status got. */
  const check = async (arbitrary: fc.Arbitrary<RawRequest>, numRuns: number) => {
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(arbitrary.map(shortPrint), async (request) => {
        const response = await sendRaw(sample.url, request);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        expectWellBehaved(request, response);
      }),
      { numRuns, seed },
    );
    if (process.env.FUZZ_VERBOSE) console.log(adapter, statuses);
    return statuses;
  };

  it(`random bytes, JSON, near-miss DTOs, deep nesting, huge strings and poisoned keys as bodies, in any Content-Type (${BODY_RUNS} cases)`, async () => {
    await check(bodyRequest, BODY_RUNS);
  }, 60_000);

  it(`garbage If-Match, If-None-Match, If-Modified-Since, Authorization, X-Request-Id and Content-Type values, CR/LF and 10 KB included (${HEADER_RUNS} cases)`, async () => {
    await check(headerRequest, HEADER_RUNS);
  }, 60_000);

  it(`random methods on random and bent paths with random queries (${ROUTE_RUNS} cases)`, async () => {
    await check(routeRequest, ROUTE_RUNS);
  }, 60_000);

  // Requests answered before any Nest code runs: by Node's HTTP parser (clientError) on both
  // adapters, by Fastify's router (frameworkErrors) on Fastify. The library shapes these too.
  it(`requests Node's HTTP parser refuses: unknown methods, raw bytes in the path, control characters in a value (${EDGE_RUNS} cases)`, async () => {
    await check(unparsableRequest, EDGE_RUNS);
  });

  it(`badly percent-encoded paths (${EDGE_RUNS} cases)`, async () => {
    await check(badlyEncodedPath, EDGE_RUNS);
  });

  it(`path parameters over 100 characters, Fastify's maxParamLength (${EDGE_RUNS} cases)`, async () => {
    await check(longParameterPath, EDGE_RUNS);
  });

  it('still answers afterwards', async () => {
    const response = await sendRaw(sample.url, {
      method: 'GET',
      path: '/api/users/1',
      headers: [],
    });
    expect(response.status).toBe(200);
    // The fuzz may have renamed user 1 with a valid PUT: that it is there is what counts.
    expect(JSON.parse(response.text)).toMatchObject({ id: 1 });
  });
});
