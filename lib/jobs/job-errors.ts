import { DomainError, NotFoundError, ServiceUnavailableError } from '../errors/domain-errors';

/** 404 from the status monitor: the job never existed, or its record has expired. */
export class JobNotFoundError extends NotFoundError {
  constructor() {
    super('No such job: it never existed or its record has expired.');
  }
}

/** The error of a run still going at its `timeoutMs` (code `JOB_TIMEOUT`); not retried. */
export class JobTimeoutError extends DomainError {
  static readonly code = 'JOB_TIMEOUT';
  readonly status: number = 500;
  constructor(timeoutMs: number) {
    super(`The job did not finish within ${timeoutMs} ms.`);
  }
}

/**
 * The error of a job cut short more often than `maxInterruptions` allows: its worker died or its
 * instance shut down while it ran, and no run finished it (code `JOB_INTERRUPTED`).
 */
export class JobInterruptedError extends DomainError {
  static readonly code = 'JOB_INTERRUPTED';
  readonly status: number = 503;
  constructor() {
    super('The server running the job stopped before it finished. Start the job again.');
  }
}

/**
 * 503 + `Retry-After` from an `@Async` route: the job could not start before its deadline
 * (`startWithinMs`) or the waiting room (`maxWaiting`) is full. Retry-After comes from the queue.
 */
export class JobsBusyError extends ServiceUnavailableError {
  static readonly code = 'JOBS_BUSY';
  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      `Too many jobs are waiting to start; try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      seconds,
    );
  }
}

/**
 * 503 + `Retry-After` when the jobs engine (Redis) does not answer in time: no job was added, or
 * its status could not be read. Recovers by itself once Redis answers again.
 */
export class JobsUnavailableError extends ServiceUnavailableError {
  static readonly code = 'JOBS_UNAVAILABLE';
  constructor(retryAfterSeconds: number, cause?: unknown) {
    super('Jobs cannot be queued or read right now; try again shortly.', retryAfterSeconds, {
      cause,
    });
  }
}
