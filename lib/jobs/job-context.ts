/** What a job's work is given when it starts. */
export interface JobContext {
  /** The job's id, as the client sees it. */
  readonly jobId: string;
  /**
   * Aborted when the job times out or the app shuts down. Pass it on (`fetch`, database drivers)
   * or check it: the runner cannot stop JavaScript that ignores it, only stop waiting for it.
   */
  readonly signal: AbortSignal;
  /** The id of the request that started the job, for logs. */
  readonly requestId: string;
}

/**
 * The work of a job, as an `@Async` handler returns it. What it resolves to is the job's result:
 * the monitor then answers 303 to the resource it names (`@Async({ location })`), or 200 with
 * the result itself. What it throws fails the job, with the error body an HTTP error would have.
 */
export type JobWork<T = unknown> = (job: JobContext) => T | Promise<T>;
