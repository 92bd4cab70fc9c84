import { applyDecorators, HttpCode, UseInterceptors } from '@nestjs/common';
import { JobStatusInterceptor } from './job-status.interceptor';
import { JobStatusMetadata, type JobStatusOptions } from './job-rules';

/**
 * Makes a route the status monitor of `@Async` jobs. The handler returns
 * `jobRunner.find(jobId)` (so it can check who may see the job first); the answer is:
 * - pending: 200 `{ jobId, status: "queued" | "running", progress?, createdAt, startedAt? }` + `Retry-After`;
 * - produced a resource: 303 + `Location` of it (or 200 `{ ..., resultUrl }` with `doneStatus: 200`);
 * - succeeded otherwise: 200 `{ jobId, status: "succeeded", result }`;
 * - failed: 200 `{ jobId, status: "failed", error }`, `error` being the HTTP error body it would have had
 *   (`JOB_INTERRUPTED` when its worker kept dying, `JOB_TIMEOUT` when a run took too long);
 * - the engine (Redis) does not answer in time: 503 `JOBS_UNAVAILABLE` + `Retry-After`;
 * - unknown or expired (`undefined`): 404 `JOB_NOT_FOUND`.
 * Every answer carries `Cache-Control: no-store`: the next poll must reach the server.
 *
 * @example
 * @Get('jobs/:jobId')
 * @JobStatus()
 * status(@Param('jobId') jobId: string) {
 *   return this.jobs.find(jobId);
 * }
 */
export function JobStatus(options: JobStatusOptions = {}): MethodDecorator {
  return applyDecorators(
    HttpCode(200),
    JobStatusMetadata(options),
    UseInterceptors(JobStatusInterceptor),
  );
}
