// `nestjs-status/jobs`: accepted work (202 + a status monitor). Runs in memory with no other
// package; `jobs.redis` runs it on BullMQ, an optional peer (`npm i bullmq`).

/** `@Async(queue)` on the route that accepts work (also on the root); `@JobStatus()` on its monitor. */
export { Async } from './async.decorator';
export { JobStatus } from './job-status.decorator';
export type { AsyncOptions, JobStatusOptions } from './job-rules';

/** `@Processor(queue)` on the provider that does the work; `JobContext` is what a run is given. */
export { Processor } from './processor.decorator';
export type { ProcessorOptions } from './processor.decorator';
export type { JobContext, JobProcessor } from './job-context';

/** `JobRunner`: inject it for the monitor (`find`) or to add jobs from elsewhere. */
export { JobRunner } from './job-runner';
export type { EnqueueOptions } from './job-runner';
export type { JobRecord, JobState } from './job-record';

/** The options of `StatusModule.forRoot({ jobs })`, with their defaults. */
export { JobsOptions } from '../options/jobs.options';
export type { RedisConnection, RedisConnectionOptions } from '../options/jobs.options';

/** What jobs answer when they cannot: 404 for an unknown job, 503 while busy or unavailable. */
export {
  JobInterruptedError,
  JobNotFoundError,
  JobsBusyError,
  JobsUnavailableError,
  JobTimeoutError,
} from './job-errors';
