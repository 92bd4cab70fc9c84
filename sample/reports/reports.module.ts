import { Module } from '@nestjs/common';
import type { JobsOptions } from '../../lib';
import type { SampleConfig } from '../config/sample-config';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** `POST /api/reports` (202), its status monitor, and `GET /api/reports/{id}`. */
@Module({ controllers: [ReportsController], providers: [ReportsService] })
export class ReportsModule {}

/**
 * The app's job settings: state in Redis when `REDIS_URL` is set (every instance then answers
 * for every job), else in memory; a job may take ten times `REPORT_DELAY_MS`, at least 30 s.
 */
export function jobsOptions(config: SampleConfig): JobsOptions {
  return {
    redis: config.redisUrl,
    keyPrefix: 'nestjs-status-sample:job:',
    timeoutMs: Math.max(30_000, config.reportDelayMs * 10),
  };
}
