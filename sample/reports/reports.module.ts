import { Module } from '@nestjs/common';
import type { JobsOptions } from '../../lib/jobs';
import type { SampleConfig } from '../config/sample-config';
import { ReportsController } from './reports.controller';
import { ReportsProcessor } from './reports.processor';
import { ReportsService } from './reports.service';

/** `POST /api/reports` (202), its status monitor, and `GET /api/reports/{id}`. */
@Module({ controllers: [ReportsController], providers: [ReportsService, ReportsProcessor] })
export class ReportsModule {}

/**
 * The app's job settings: BullMQ on `REDIS_URL` when set (any instance's worker runs a report;
 * one whose instance dies is run again within `JOB_LOCK_MS` twice over), else in memory. A run may
 * take ten times `REPORT_DELAY_MS` (at least 30 s); a job must be able to start within
 * `JOB_START_WITHIN_MS`, or the answer is 503 + Retry-After.
 */
export function jobsOptions(config: SampleConfig): JobsOptions {
  return {
    redis: config.redisUrl,
    prefix: 'nestjs-status-sample',
    timeoutMs: Math.max(30_000, config.reportDelayMs * 10),
    typicalDurationMs: Math.max(1, config.reportDelayMs),
    startWithinMs: config.jobStartWithinMs,
    lockDurationMs: config.jobLockMs,
    stalledCheckMs: config.jobLockMs,
  };
}
