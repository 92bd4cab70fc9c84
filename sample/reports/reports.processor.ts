import { JobContext, JobProcessor, Processor } from '../../lib/jobs';
import type { CreateReportDto, Report } from './report.dto';
import { ReportsService } from './reports.service';

/**
 * Runs the report jobs `POST /api/reports` accepts, in whichever instance has a free worker
 * (BullMQ when `REDIS_URL` is set, else this process). The report's id is the job's, so a job
 * run twice (its first worker died after writing) stores one report, not two.
 */
@Processor('reports')
export class ReportsProcessor implements JobProcessor<CreateReportDto, Report> {
  constructor(private readonly reports: ReportsService) {}

  process(job: JobContext<CreateReportDto>): Promise<Report> {
    return this.reports.generate(job.data, job.signal, job.id.replace(/^rpt-/, ''));
  }
}
