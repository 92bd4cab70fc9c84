import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/** Options of `@Processor()`. */
export interface ProcessorOptions {
  /** Jobs of this queue one instance runs at once. Default: the module's `jobs.concurrency`. */
  concurrency?: number;
}

/** Internal: what `@Processor` records on the class. */
export interface ProcessorMetadata extends ProcessorOptions {
  queue: string;
}

/** Internal metadata behind `@Processor`, found at start-up by Nest's `DiscoveryService`. */
export const ProcessorDiscovery = DiscoveryService.createDecorator<ProcessorMetadata>();

/**
 * Marks a provider as the processor of a queue: its `process(job)` runs every job `@Async('<queue>')`
 * routes accept, in whichever instance has a free worker (BullMQ, when `jobs.redis` is set) or in
 * this process (memory). Register the class in a module's `providers`, as any provider.
 *
 * @example
 * @Processor('reports')
 * export class ReportsProcessor implements JobProcessor<CreateReportDto, Report> {
 *   constructor(private readonly reports: ReportsService) {}
 *   process(job: JobContext<CreateReportDto>) {
 *     return this.reports.generate(job.data, job.signal); // resolves to { id, ... }
 *   }
 * }
 */
export function Processor(queue: string, options: ProcessorOptions = {}): ClassDecorator {
  if (typeof queue !== 'string' || queue.length === 0 || queue.includes(':')) {
    throw new TypeError(
      `@Processor needs a queue name without ":", e.g. @Processor('reports'); got ${String(queue)}.`,
    );
  }
  return applyDecorators(Injectable(), ProcessorDiscovery({ ...options, queue }));
}
