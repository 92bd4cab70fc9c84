import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { Async } from '../../lib';
import { JobRunner, JobStatus } from '../../lib/jobs';
import { CreateReportDto } from './report.dto';
import { ReportsService } from './reports.service';

@Controller('api/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly jobs: JobRunner,
  ) {}

  /**
   * 202 `{ jobId: "rpt-...", status: "queued", statusUrl }` + Location; 400; 422; 503 + Retry-After
   * when the job could not start in time. The body is the job's input: `ReportsProcessor` runs it.
   */
  @Post()
  @Async('reports', { idPrefix: 'rpt-', location: '/api/reports/:id' })
  create(@Body() dto: CreateReportDto): CreateReportDto {
    return dto;
  }

  /** 200 + Retry-After while pending; 303 to the report; 200 `{ status: "failed", error }`; 404. */
  @Get('jobs/:jobId')
  @JobStatus()
  status(@Param('jobId') jobId: string) {
    return this.jobs.find(jobId);
  }

  /** 200 the report, or 404. */
  @Get(':id')
  findOne(@Param('id') id: string) {
    return this.reports.find(id);
  }
}
