import { Reflector } from '@nestjs/core';

/** Options of `@Async(queue, options)`. */
export interface AsyncOptions {
  /**
   * The status monitor's path: a template filled with the job id (`'/api/reports/jobs/:jobId'`)
   * or a function of the id and the request. Default: the request path + `/jobs/<jobId>`.
   */
  monitor?: string | ((jobId: string, request: any) => string);
  /**
   * The URL of the resource the job produced, a template filled from its result
   * (`'/api/reports/:id'`). Stored with the job, so any instance can answer 303 to it. Without it
   * (or when the result lacks a value) the monitor answers 200 with the result itself.
   */
  location?: string;
  /** Start of the job ids of this route, e.g. `'rpt-'`. Default: the module's `idPrefix`. */
  idPrefix?: string;
}

/** Internal: what `@Async` records on the handler. */
export interface AsyncRule extends AsyncOptions {
  queue: string;
}

/** Options of `@JobStatus()`. */
export interface JobStatusOptions {
  /** A job that produced a resource: 303 + `Location` (default), or 200 with `resultUrl`. */
  doneStatus?: 303 | 200;
  /** `Retry-After` while pending, in seconds. Default: the module's `retryAfterSeconds`. */
  retryAfterSeconds?: number;
}

/** Internal metadata behind `@Async`. */
export const AsyncMetadata = Reflector.createDecorator<AsyncRule>();
/** Internal metadata behind `@JobStatus`. */
export const JobStatusMetadata = Reflector.createDecorator<JobStatusOptions>();
