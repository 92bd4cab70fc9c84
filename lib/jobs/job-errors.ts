import { DomainError, NotFoundError } from '../errors/domain-errors';

/** 404 from the status monitor: the job never existed, or its record has expired. */
export class JobNotFoundError extends NotFoundError {
  constructor() {
    super('No such job: it never existed or its record has expired.');
  }
}

/** The error a job gets when it is still pending at its deadline (code `JOB_TIMEOUT`). */
export class JobTimeoutError extends DomainError {
  static readonly code = 'JOB_TIMEOUT';
  readonly status: number = 500;
  constructor(timeoutMs: number) {
    super(`The job did not finish within ${timeoutMs} ms.`);
  }
}

/** The error of a job whose instance shut down before it finished (code `JOB_INTERRUPTED`). */
export class JobInterruptedError extends DomainError {
  static readonly code = 'JOB_INTERRUPTED';
  readonly status: number = 503;
  constructor() {
    super('The server running the job shut down before it finished. Start the job again.');
  }
}

/** 503 + `Retry-After` when this instance already holds `maxPending` unfinished jobs. */
export class JobsBusyError extends DomainError {
  static readonly code = 'JOBS_BUSY';
  readonly status: number = 503;
  constructor(retryAfterSeconds: number) {
    super(
      `Too many jobs are pending; try again in ${retryAfterSeconds} seconds.`,
      { retryAfter: retryAfterSeconds },
      { headers: { 'Retry-After': String(retryAfterSeconds) } },
    );
  }
}

/** 503 when the job store (Redis) cannot be reached: the job was not started. */
export class JobStoreUnavailableError extends DomainError {
  static readonly code = 'JOB_STORE_UNAVAILABLE';
  readonly status: number = 503;
  constructor(cause: unknown) {
    super('Job state cannot be read or written right now; try again shortly.', {}, { cause });
  }
}
