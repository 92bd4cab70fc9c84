import { Reflector } from '@nestjs/core';

/** Options of `@Async()`. */
export interface AsyncOptions {
  /**
   * The status monitor's path: a template filled with the job id (`'/api/reports/jobs/:jobId'`)
   * or a function of the id and the request. Default: the request path + `/jobs/<jobId>`.
   */
  monitor?: string | ((jobId: string, request: any) => string);
  /**
   * The URL of the resource the job produced, from its result: a template
   * (`'/api/reports/:id'`) or a function. Without it (or when it gives `undefined`) the monitor
   * answers 200 with the result itself instead of 303.
   */
  location?: string | ((result: any) => string | undefined);
  /** Start of the job ids of this route, e.g. `'rpt-'`. Default: the module's `idPrefix`. */
  idPrefix?: string;
  /** How long a job of this route may stay pending (ms). Default: the module's `timeoutMs`. */
  timeoutMs?: number;
}

/** Options of `@JobStatus()`. */
export interface JobStatusOptions {
  /** A job that produced a resource: 303 + `Location` (default), or 200 with `resultUrl`. */
  doneStatus?: 303 | 200;
  /** `Retry-After` while pending, in seconds. Default: the module's `retryAfterSeconds`. */
  retryAfterSeconds?: number;
}

/** Internal metadata behind `@Async`. */
export const AsyncMetadata = Reflector.createDecorator<AsyncOptions>();
/** Internal metadata behind `@JobStatus`. */
export const JobStatusMetadata = Reflector.createDecorator<JobStatusOptions>();
