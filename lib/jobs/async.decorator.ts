import { applyDecorators, HttpCode, UseInterceptors } from '@nestjs/common';
import { AsyncJobInterceptor } from './async-job.interceptor';
import { AsyncMetadata, type AsyncOptions } from './job-rules';

/**
 * 202 Accepted for work that finishes later. The handler validates what it must and returns the
 * job's input (JSON); the job goes on `queue`, whose `@Processor(queue)` runs it in whichever
 * instance has a free worker. The client gets at once
 * `202 { jobId, status: "queued", statusUrl }` with `Location: <statusUrl>`, and follows the
 * status monitor (a route with `@JobStatus()`) to the result. When the queue cannot start the job
 * before its deadline (`jobs.startWithinMs`) the answer is 503 + Retry-After instead.
 *
 * @example
 * @Post()
 * @Async('reports', { idPrefix: 'rpt-', location: '/api/reports/:id' }) // monitor: /api/reports/jobs/:jobId
 * create(@Body() dto: CreateReportDto) {
 *   return dto; // ReportsProcessor.process(job) gets it as job.data
 * }
 */
export function Async(queue: string, options: AsyncOptions = {}): MethodDecorator {
  if (typeof queue !== 'string' || queue.length === 0 || queue.includes(':')) {
    throw new TypeError(
      "@Async needs the name of the queue whose @Processor runs the job, e.g. @Async('reports')" +
        (typeof queue === 'object' ? '; the options come second.' : '.'),
    );
  }
  return applyDecorators(
    HttpCode(202),
    AsyncMetadata({ ...options, queue }),
    UseInterceptors(AsyncJobInterceptor),
  );
}
