import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseBusy } from './database.errors';

/** How long a busy database is retried, and how far apart the attempts are. */
export interface BusyRetryOptions {
  /** Milliseconds from the first attempt after which the request gives up with a 503. */
  budgetMs: number;
  /** Ceiling of the first pause, in milliseconds; it doubles after every busy attempt. */
  firstPauseMs: number;
  /** Largest ceiling of a pause, in milliseconds. */
  maxPauseMs: number;
}

/** About a second in all: a client is told 503 within the guide's "about a second". */
export const BUSY_RETRY: BusyRetryOptions = { budgetMs: 1000, firstPauseMs: 4, maxPauseMs: 100 };

/** SQLITE_BUSY or SQLITE_LOCKED, with any extended code (`SQLITE_BUSY_SNAPSHOT`, ...). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

/**
 * Runs `attempt` (synchronous, like every better-sqlite3 call) until it does not fail busy,
 * pausing between attempts WITHOUT blocking the event loop, then gives up with `DatabaseBusy`.
 * The first attempt runs at once, in the caller's tick, so an idle database costs no pause.
 */
export async function retryWhileBusy<T>(
  attempt: () => T,
  options: BusyRetryOptions = BUSY_RETRY,
): Promise<T> {
  const deadline = performance.now() + options.budgetMs;
  for (let ceiling = options.firstPauseMs; ; ceiling = Math.min(2 * ceiling, options.maxPauseMs)) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const left = deadline - performance.now();
      if (left <= 0) throw new DatabaseBusy(error);
      // Full jitter: two instances that collided do not come back in step and collide again.
      await sleep(Math.min(left, 1 + Math.random() * ceiling));
    }
  }
}
