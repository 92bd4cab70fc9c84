import type { ThrottlerStorage } from '@nestjs/throttler';
import { OutageLog } from '../../lib/platform/outage-log';
import {
  isUncounted,
  RateLimitUnavailableError,
  ResilientThrottlerStorage,
} from '../../lib/rate-limit/resilient-throttler.storage';
import { captureLogs, CapturedLogs } from '../support/captured-logs';

const RECORD = { totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 };

/** A storage that answers, hangs (like a paused Redis) or fails, as the test says. */
class ScriptedStorage implements ThrottlerStorage {
  mode: 'answer' | 'hang' | 'fail' = 'answer';
  calls = 0;
  increment(): Promise<typeof RECORD> {
    this.calls++;
    if (this.mode === 'hang') return new Promise(() => {});
    if (this.mode === 'fail') return Promise.reject(new Error('connection lost'));
    return Promise.resolve(RECORD);
  }
}

describe('ResilientThrottlerStorage', () => {
  let logs: CapturedLogs;
  let storage: ScriptedStorage;
  beforeEach(() => {
    logs = captureLogs();
    storage = new ScriptedStorage();
  });
  afterEach(() => logs.restore());

  const count = (resilient: ResilientThrottlerStorage) =>
    resilient.increment('key', 60_000, 10, 0, 'default');

  it('passes counts through while the storage answers', async () => {
    const resilient = new ResilientThrottlerStorage(
      storage,
      { whenUnavailable: 'allow', timeout: 50, retryAfter: 1 },
      false,
    );
    expect(await count(resilient)).toBe(RECORD);
    expect(logs.warn).toEqual([]);
  });

  it("'allow': a hanging storage gives an uncounted record after the timeout; while down, one call at a time waits", async () => {
    const resilient = new ResilientThrottlerStorage(
      storage,
      { whenUnavailable: 'allow', timeout: 50, retryAfter: 1 },
      false,
    );
    await count(resilient); // seen to work once
    storage.mode = 'hang';
    storage.calls = 0;
    const first = await count(resilient);
    expect(isUncounted(first)).toBe(true);
    expect(first.isBlocked).toBe(false);
    // Ten at once during the outage: one goes to the storage to find out, nine are answered now.
    const answers = await Promise.all(Array.from({ length: 10 }, () => count(resilient)));
    expect(answers.every(isUncounted)).toBe(true);
    expect(storage.calls).toBe(2);
    expect(logs.warn).toEqual([
      'The rate limit storage is unavailable (no answer within 50 ms): requests are served ' +
        'without rate limits until it is back.',
    ]);
    storage.mode = 'answer';
    expect(await count(resilient)).toBe(RECORD);
    expect(await count(resilient)).toBe(RECORD);
    expect(logs.log).toEqual(['The rate limit storage is available again.']);
    expect(logs.warn).toHaveLength(1);
  });

  it("'refuse': a failing storage is a 503 with Retry-After, already told (the filter logs it no more)", async () => {
    const resilient = new ResilientThrottlerStorage(
      storage,
      { whenUnavailable: 'refuse', timeout: 50, retryAfter: 3 },
      false,
    );
    storage.mode = 'fail';
    const error = await count(resilient).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitUnavailableError);
    const unavailable = error as RateLimitUnavailableError;
    expect(unavailable.status).toBe(503);
    expect(unavailable.code).toBe('SERVICE_UNAVAILABLE');
    expect(unavailable.headers).toEqual({
      'Retry-After': '3',
      'X-RateLimit-Status': 'unavailable',
    });
    expect(OutageLog.wasReported(unavailable)).toBe(true);
    expect(logs.warn).toEqual([
      'The rate limit storage is unavailable at start-up (connection lost): the app starts ' +
        'without it and connects when it comes; requests are refused with 503 until it is back.',
    ]);
  });

  it('runs the lifecycle hooks of a storage it owns, and only then', async () => {
    const hooks = { onModuleInit: jest.fn(), onApplicationShutdown: jest.fn() };
    const storageWithHooks = Object.assign(new ScriptedStorage(), hooks);
    const policy = { whenUnavailable: 'allow' as const, timeout: 50, retryAfter: 1 };
    const theirs = new ResilientThrottlerStorage(storageWithHooks, policy, false);
    theirs.onModuleInit();
    theirs.onApplicationShutdown();
    expect(hooks.onModuleInit).not.toHaveBeenCalled();
    const ours = new ResilientThrottlerStorage(storageWithHooks, policy, true);
    ours.onModuleInit();
    ours.onApplicationShutdown();
    expect(hooks.onModuleInit).toHaveBeenCalledTimes(1);
    expect(hooks.onApplicationShutdown).toHaveBeenCalledTimes(1);
  });
});
