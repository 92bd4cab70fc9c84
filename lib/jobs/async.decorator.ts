import { applyDecorators, HttpCode, UseInterceptors } from '@nestjs/common';
import { AsyncJobInterceptor } from './async-job.interceptor';
import { AsyncMetadata, type AsyncOptions } from './job-rules';

/**
 * 202 Accepted for work that finishes later. The handler validates what it must, then returns
 * the work as a function; the client gets at once
 * `202 { jobId, status: "queued", statusUrl }` with `Location: <statusUrl>`, and follows the
 * status monitor (a route with `@JobStatus()`) to the result.
 *
 * The job runs in this process (at most `concurrency` at once); its state lives in the job
 * store, so with Redis any instance answers the monitor.
 *
 * @example
 * @Post()
 * @Async({ idPrefix: 'rpt-', location: '/api/reports/:id' })   // monitor: /api/reports/jobs/:jobId
 * create(@Body() dto: CreateReportDto) {
 *   return (job: JobContext) => this.reports.generate(dto, job.signal); // resolves to { id, ... }
 * }
 */
export function Async(options: AsyncOptions = {}): MethodDecorator {
  return applyDecorators(
    HttpCode(202),
    AsyncMetadata(options),
    UseInterceptors(AsyncJobInterceptor),
  );
}
