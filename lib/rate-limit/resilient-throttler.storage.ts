import type { ThrottlerStorage } from '@nestjs/throttler';
import { ServiceUnavailableError } from '../errors/domain-errors';
import { OutageLog } from '../platform/outage-log';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** What the rate limit does while its storage cannot count (see `RateLimitOptions`). */
export interface UnavailabilityPolicy {
  whenUnavailable: 'allow' | 'refuse';
  /** Milliseconds a count may take. */
  timeout: number;
  /** `Retry-After` seconds of the 503 under `'refuse'`. */
  retryAfter: number;
}

/** The header an uncounted response carries under `'allow'`, and its value. */
export const RATE_LIMIT_STATUS_HEADER = 'X-RateLimit-Status';
export const RATE_LIMIT_UNAVAILABLE = 'unavailable';

const UNCOUNTED = Symbol('nestjs-status.uncounted');

/** Whether a record is the stand-in for a count the storage could not make (`'allow'`). */
export function isUncounted(record: ThrottlerStorageRecord): boolean {
  return (record as { [UNCOUNTED]?: true })[UNCOUNTED] === true;
}

/** 503 while the rate limit cannot count, under `whenUnavailable: 'refuse'`. */
export class RateLimitUnavailableError extends ServiceUnavailableError {
  static readonly code: string = 'SERVICE_UNAVAILABLE';
}

/** Lifecycle hooks a storage may have, passed on when the storage is ours to run. */
type Hooks = Partial<Record<'onModuleInit' | 'onApplicationShutdown', () => unknown>>;

/**
 * The storage every caller of the rate limit counts with: the configured `ThrottlerStorage`,
 * bounded in time and with a policy for when it cannot answer (Redis down, paused or slow).
 * A count that fails or takes longer than `timeout` is, under `'allow'`, a non-blocking stand-in
 * record (`isUncounted`) and, under `'refuse'`, a `RateLimitUnavailableError` (503 +
 * `Retry-After`). The outage is logged once, with the storage's own log when it has one (Redis).
 * While it lasts, one call at a time goes to the storage to find out whether it is back; the
 * others are answered at once, so a paused Redis does not pile up waiting requests.
 */
export class ResilientThrottlerStorage implements ThrottlerStorage {
  private readonly outage: OutageLog;
  private probing = false;

  constructor(
    private readonly storage: ThrottlerStorage,
    private readonly policy: UnavailabilityPolicy,
    /** Run the storage's lifecycle hooks: true when the storage came from our options. */
    private readonly owned: boolean,
  ) {
    const own = (storage as { outage?: unknown }).outage;
    this.outage = own instanceof OutageLog ? own : new OutageLog('The rate limit storage');
    this.outage.consequence =
      policy.whenUnavailable === 'allow'
        ? 'requests are served without rate limits until it is back'
        : 'requests are refused with 503 until it is back';
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.outage.isDown && this.probing) return this.unavailable();
    const probe = this.outage.isDown;
    if (probe) this.probing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const record = await Promise.race([
        this.storage.increment(key, ttl, limit, blockDuration, throttlerName),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.policy.timeout} ms`)),
            this.policy.timeout,
          );
        }),
      ]);
      this.outage.up();
      return record;
    } catch (error) {
      this.outage.down(error instanceof Error ? error.message : String(error));
      return this.unavailable();
    } finally {
      clearTimeout(timer);
      if (probe) this.probing = false;
    }
  }

  onModuleInit(): unknown {
    return this.owned ? (this.storage as Hooks).onModuleInit?.() : undefined;
  }

  onApplicationShutdown(): unknown {
    return this.owned ? (this.storage as Hooks).onApplicationShutdown?.() : undefined;
  }

  private unavailable(): ThrottlerStorageRecord {
    if (this.policy.whenUnavailable === 'refuse') {
      throw OutageLog.markReported(
        new RateLimitUnavailableError(
          'Rate limits cannot be checked right now. Please retry later.',
          this.policy.retryAfter,
          { headers: { [RATE_LIMIT_STATUS_HEADER]: RATE_LIMIT_UNAVAILABLE } },
        ),
      );
    }
    const record = {
      totalHits: 0,
      timeToExpire: 0,
      isBlocked: false,
      timeToBlockExpire: 0,
      [UNCOUNTED]: true,
    };
    return record;
  }
}
