import { Logger } from '@nestjs/common';

const logger = new Logger('StatusModule');

/** Errors whose cause an `OutageLog` has already reported: the exception filter logs them no more. */
const reported = new WeakSet<object>();

/**
 * One warning when a dependency becomes unavailable and one line when it is back, however many
 * requests or reconnect attempts fail in between: an outage is expected, not a bug, so no stack.
 * Shared by everything that notices the same outage (the Redis client's events, the calls that
 * time out), so that each outage is told once.
 *
 * @example
 * const outage = new OutageLog('Redis (rate limit) at localhost:6379');
 * outage.down('connect ECONNREFUSED'); // warns
 * outage.down('Command timed out'); // already said: nothing
 * outage.up(); // "... is back"
 */
export class OutageLog {
  /** What the app does meanwhile, said in the warning; set by whoever decides it. */
  consequence = 'retrying in the background';
  private unavailable = false;
  private everAvailable = false;

  constructor(readonly subject: string) {}

  /** Whether an outage is going on (reported and not yet over). */
  get isDown(): boolean {
    return this.unavailable;
  }

  /** Reports the outage once; later calls during the same outage say nothing. */
  down(reason: string): void {
    if (this.unavailable) return;
    this.unavailable = true;
    const when = this.everAvailable ? 'is unavailable' : 'is unavailable at start-up';
    const meanwhile = this.everAvailable
      ? this.consequence
      : `the app starts without it and connects when it comes; ${this.consequence}`;
    logger.warn(`${this.subject} ${when} (${reason}): ${meanwhile}.`);
  }

  /** Ends an outage (one line), or notes the first success. */
  up(): void {
    this.everAvailable = true;
    if (!this.unavailable) return;
    this.unavailable = false;
    logger.log(`${this.subject} is available again.`);
  }

  /** Marks an error as told by this log, so the exception filter does not log it per request. */
  static markReported<E extends object>(error: E): E {
    reported.add(error);
    return error;
  }

  /** Whether an `OutageLog` already told the cause of this error. */
  static wasReported(error: unknown): boolean {
    return typeof error === 'object' && error !== null && reported.has(error);
  }
}
