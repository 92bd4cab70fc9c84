/**
 * What a processor's `process(job)` is given: the job's input and its handles, the same under
 * both engines (memory and BullMQ). Member names follow BullMQ's `Job`, which Nest users know.
 */
export interface JobContext<T = unknown> {
  /** The job's id, as the client sees it (`rpt-3f1c...`). */
  readonly id: string;
  /** The queue the job was added to (`@Async('reports')` → `'reports'`). */
  readonly queueName: string;
  /** The job's input: what the `@Async` handler returned, as JSON gives it back. */
  readonly data: T;
  /** Runs that already failed or were cut short (0 on the first run). */
  readonly attemptsMade: number;
  /** The id of the request that accepted the job, for logs; failures carry it in their body. */
  readonly requestId: string;
  /**
   * Aborted when the run times out or this instance shuts down (the job is then handed to
   * another instance). Pass it on (`fetch`, timers, drivers): JavaScript that ignores it keeps
   * running, though its result is no longer wanted.
   */
  readonly signal: AbortSignal;
  /** Reports progress (a number such as a percentage, or a small JSON object); the monitor shows it. */
  updateProgress(progress: number | object): Promise<void>;
}

/**
 * A class marked `@Processor('<queue>')`: runs the jobs of that queue. What `process` resolves to
 * is the job's result (JSON); what it throws fails the run, with the error body an HTTP error
 * would have. A 4xx domain error fails the job at once; anything else is retried up to
 * `attempts` times.
 */
export interface JobProcessor<T = any, R = unknown> {
  process(job: JobContext<T>): R | Promise<R>;
}
