import { ThrottlerModule, ThrottlerModuleOptions } from '@nestjs/throttler';
import request from 'supertest';
import { RetryAgent, Agent, request as undiciRequest } from 'undici';
import { StatusModule, StatusModuleOptions } from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import { LimitedController, suffixedHeaders } from './fixtures/rate-limit.fixture';

const LIMIT = 3;
const WINDOW_MS = 2000;

function appWith(rateLimit: StatusModuleOptions['rateLimit']) {
  return { imports: [StatusModule.forRoot({ rateLimit })], controllers: [LimitedController] };
}
const throttler = (limit = LIMIT, ttl = WINDOW_MS): ThrottlerModuleOptions => ({
  throttlers: [{ limit, ttl }],
});
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe.each(ADAPTERS)('rate limit on %s', (_name, makeAdapter) => {
  async function withApp(
    metadata: ReturnType<typeof appWith>,
    run: (http: ReturnType<typeof request>, running: RunningApp) => Promise<void>,
  ) {
    const running = await startApp(metadata, makeAdapter);
    try {
      await run(request(running.url), running);
    } finally {
      await running.close();
    }
  }

  it('requests 1..N succeed with falling X-RateLimit-Remaining; N+1 is 429 with the same headers', async () => {
    await withApp(appWith({ throttler: throttler() }), async (http) => {
      for (let n = 1; n <= LIMIT; n++) {
        const before = nowSeconds();
        const res = await http.get('/limited');
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
        expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - n));
        // Unix epoch seconds, within the window from now.
        const reset = Number(res.headers['x-ratelimit-reset']);
        expect(reset).toBeGreaterThanOrEqual(before);
        expect(reset).toBeLessThanOrEqual(nowSeconds() + WINDOW_MS / 1000);
        expect(res.headers['retry-after']).toBeUndefined();
      }
      const res = await http.get('/limited');
      const retryAfter = Number(res.headers['retry-after']);
      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body).toEqual({
        error: 'Too Many Requests',
        message: `Rate limit exceeded. Please retry after ${retryAfter} seconds.`,
        code: 'RATE_LIMIT_EXCEEDED',
        retryAfter,
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
      expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
      expect(res.headers['x-ratelimit-remaining']).toBe('0');
      // Retry-After never points earlier than the reset.
      expect(Number(res.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(
        nowSeconds() + retryAfter,
      );
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(nowSeconds() - 1);
    });
  });

  it('an error response of a limited route carries the headers too', async () => {
    await withApp(appWith({ throttler: throttler() }), async (http) => {
      const res = await http.get('/things/2');
      expect(res.status).toBe(404);
      expect(res.headers['x-ratelimit-limit']).toBe(String(LIMIT));
      expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
      expect(res.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
    });
  });

  it('@SkipThrottle routes are not limited and carry no headers', async () => {
    await withApp(appWith({ throttler: throttler(1) }), async (http) => {
      for (let n = 0; n < 3; n++) {
        const res = await http.get('/unlimited');
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
    });
  });

  it('resetFormat "seconds" gives the seconds left instead of an epoch', async () => {
    await withApp(appWith({ throttler: throttler(), resetFormat: 'seconds' }), async (http) => {
      const res = await http.get('/limited');
      const reset = Number(res.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(0);
      expect(reset).toBeLessThanOrEqual(WINDOW_MS / 1000);
    });
  });

  it('ietfHeaders adds RateLimit and RateLimit-Policy in draft-10 syntax', async () => {
    await withApp(appWith({ throttler: throttler(), ietfHeaders: true }), async (http) => {
      const ok = await http.get('/limited');
      expect(ok.headers['ratelimit-policy']).toBe(`"default";q=${LIMIT};w=${WINDOW_MS / 1000}`);
      expect(ok.headers['ratelimit']).toMatch(new RegExp(`^"default";r=${LIMIT - 1};t=[0-2]$`));
      await http.get('/limited');
      await http.get('/limited');
      const limited = await http.get('/limited');
      expect(limited.status).toBe(429);
      const t = Number(/;t=(\d+)$/.exec(limited.headers['ratelimit'])?.[1]);
      expect(limited.headers['ratelimit']).toMatch(/^"default";r=0;t=\d+$/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(t);
    });
  });

  it('named throttlers: no suffixed header names, the tightest throttler speaks', async () => {
    const named: ThrottlerModuleOptions = {
      throttlers: [
        { name: 'short', limit: 2, ttl: 1000 },
        { name: 'long', limit: 10, ttl: 60_000 },
      ],
    };
    await withApp(appWith({ throttler: named, ietfHeaders: true }), async (http) => {
      const first = await http.get('/limited');
      expect(suffixedHeaders(first.headers)).toEqual([]);
      expect(first.headers['x-ratelimit-limit']).toBe('2');
      expect(first.headers['x-ratelimit-remaining']).toBe('1');
      expect(first.headers['ratelimit-policy']).toBe('"short";q=2;w=1, "long";q=10;w=60');
      await http.get('/limited');
      const limited = await http.get('/limited');
      expect(limited.status).toBe(429);
      expect(suffixedHeaders(limited.headers)).toEqual([]);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect(limited.headers['x-ratelimit-limit']).toBe('2');
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    });
  });

  it("a throttler's errorMessage (a string or a function) becomes the 429's message", async () => {
    await withApp(
      appWith({ throttler: { ...throttler(1), errorMessage: 'Slow down, please.' } }),
      async (http) => {
        expect((await http.get('/limited')).status).toBe(200);
        const res = await http.get('/limited');
        expect(res.status).toBe(429);
        expect(res.body).toMatchObject({
          message: 'Slow down, please.',
          code: 'RATE_LIMIT_EXCEEDED',
          retryAfter: Number(res.headers['retry-after']),
        });
        expect(res.headers['x-ratelimit-remaining']).toBe('0');
      },
    );
    await withApp(
      appWith({
        throttler: {
          ...throttler(1),
          errorMessage: (_context, detail) => `At most ${detail.limit} per window.`,
        },
      }),
      async (http) => {
        await http.get('/limited');
        const res = await http.get('/limited');
        expect(res.status).toBe(429);
        expect(res.body.message).toBe('At most 1 per window.');
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
      },
    );
  });

  it('ignoreUserAgents lets matching clients through uncounted', async () => {
    await withApp(
      appWith({ throttler: { ...throttler(1), ignoreUserAgents: [/^health-probe\//] } }),
      async (http) => {
        for (let n = 0; n < 3; n++) {
          const res = await http.get('/limited').set('User-Agent', 'health-probe/1.0');
          expect(res.status).toBe(200);
          expect(res.headers['x-ratelimit-limit']).toBeUndefined();
        }
        expect((await http.get('/limited').set('User-Agent', 'curl/8')).status).toBe(200);
        expect((await http.get('/limited').set('User-Agent', 'curl/8')).status).toBe(429);
      },
    );
  });

  it("works with the app's own ThrottlerModule (rateLimit: {})", async () => {
    const metadata = {
      imports: [ThrottlerModule.forRoot(throttler(2)), StatusModule.forRoot({ rateLimit: {} })],
      controllers: [LimitedController],
    };
    await withApp(metadata, async (http) => {
      expect((await http.get('/limited')).headers['x-ratelimit-remaining']).toBe('1');
      expect((await http.get('/limited')).headers['x-ratelimit-remaining']).toBe('0');
      const limited = await http.get('/limited');
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMIT_EXCEEDED');
      expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    });
  });

  it('forRootAsync: options from a factory turn it on, or leave it off', async () => {
    const asyncApp = (rateLimit: StatusModuleOptions['rateLimit']) => ({
      imports: [StatusModule.forRootAsync({ useFactory: async () => ({ rateLimit }) })],
      controllers: [LimitedController],
    });
    await withApp(asyncApp({ throttler: throttler(1) }), async (http) => {
      expect((await http.get('/limited')).headers['x-ratelimit-remaining']).toBe('0');
      expect((await http.get('/limited')).status).toBe(429);
    });
    await withApp(asyncApp(false), async (http) => {
      const res = await http.get('/limited');
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    });
  });

  it('rate limiting is off unless asked for', async () => {
    await withApp(appWith(undefined), async (http) => {
      const res = await http.get('/limited');
      expect(res.status).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    });
  });

  it('a client that honours Retry-After (undici RetryAgent) waits, then succeeds', async () => {
    await withApp(appWith({ throttler: throttler(1, 1000) }), async (http, running) => {
      expect((await http.get('/limited')).status).toBe(200);
      expect((await http.get('/limited')).status).toBe(429);
      const agent = new Agent();
      // One retry, 1 ms apart unless the server says otherwise: only a client that waits for
      // Retry-After can get through.
      const retrying = new RetryAgent(agent, { maxRetries: 1, minTimeout: 1, timeoutFactor: 1 });
      try {
        const res = await undiciRequest(`${running.url}/limited`, { dispatcher: retrying });
        expect(res.statusCode).toBe(200);
        expect(await res.body.json()).toEqual({ ok: true });
      } finally {
        await agent.close();
      }
    });
  });
});
