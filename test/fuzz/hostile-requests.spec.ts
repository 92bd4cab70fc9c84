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
const GAP_RUNS = 50;

const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

describe.each(SAMPLE_ADAPTERS)('hostile requests to the sample on %s', (adapter) => {
  let sample: RunningSample;
  beforeAll(async () => {
    // A limit no fuzz run reaches, so every case gets to the code it aims at instead of a 429.
    sample = await startSample(adapter, { rateLimit: 1_000_000_000 });
  });
  afterAll(() => sample.close());

  /** Runs the property; returns how many answers each status got. */
  const check = async (
    arbitrary: fc.Arbitrary<RawRequest>,
    numRuns: number,
    options?: Parameters<typeof expectWellBehaved>[2],
  ) => {
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        const response = await sendRaw(sample.url, request);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        expectWellBehaved(request, response, options);
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

  // Known gaps, pinned with `it.failing` until the library closes them (then flip to `it`).
  // Fastify answers these itself, before any Nest code runs: its own JSON, no request id.
  const onFastifyAGap = adapter === 'fastify' ? it.failing : it;

  onFastifyAGap(
    `a badly percent-encoded path gets our envelope (${GAP_RUNS} cases) [Fastify gap: FST_ERR_BAD_URL]`,
    async () => {
      await check(badlyEncodedPath, GAP_RUNS);
    },
  );

  onFastifyAGap(
    `a path parameter over 100 characters gets our envelope (${GAP_RUNS} cases) [Fastify gap: FST_ERR_MAX_PARAM_LENGTH 414]`,
    async () => {
      await check(longParameterPath, GAP_RUNS);
    },
  );

  // Node's HTTP parser answers these (400, or 431 for a head over 16 KB) before the adapter sees
  // them, on both adapters; the properties above accept that only for such requests.
  it.failing(
    `a request Node's HTTP parser refuses gets our envelope (${GAP_RUNS} cases) [gap: the server's clientError answer]`,
    async () => {
      await check(unparsableRequest, GAP_RUNS, { parserRefusalsAllowed: false });
    },
  );

  it('still answers afterwards', async () => {
    const response = await sendRaw(sample.url, {
      method: 'GET',
      path: '/api/users/1',
      headers: [],
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toMatchObject({ id: 1, email: 'admin@example.com' });
  });
});
