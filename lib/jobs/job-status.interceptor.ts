import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';
import { STATUS_OPTIONS } from '../options/options.token';
import { absoluteLocations, type ResolvedStatusOptions } from '../options/status-options';
import { JobNotFoundError } from './job-errors';
import { isJobRecord, isPending, jobView, type JobRecord } from './job-record';
import { JobStatusMetadata } from './job-rules';
import { resolveJobsOptions } from '../options/jobs.options';
import { absoluteUrl } from '../platform/request-target';
import { JSON_TYPE } from '../platform/reply-hook';

/** What `@JobStatus` decided once for a handler. */
interface StatusPlan {
  doneStatus: 303 | 200;
  retryAfter: string;
  handlerName: string;
}

/**
 * Behind `@JobStatus`: turns the `JobRecord` the handler returned into the monitor's answer
 * (200 + Retry-After, 303 + Location, 200 failed, or 404). 303 is decided per request, so it
 * leaves as a web `Response`, whose status Nest sends as it is.
 */
@Injectable()
export class JobStatusInterceptor implements NestInterceptor {
  private readonly plans = new WeakMap<object, StatusPlan>();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly reflector: Reflector,
    @Inject(STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const plan = this.planFor(context);
    const http = context.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    return next
      .handle()
      .pipe(map((record: unknown) => this.answer(record, plan, request, response)));
  }

  private answer(record: unknown, plan: StatusPlan, request: any, response: any): unknown {
    if (record === undefined || record === null) throw new JobNotFoundError();
    if (!isJobRecord(record)) {
      throw new TypeError(
        `The @JobStatus handler ${plan.handlerName} must return what JobRunner.find(jobId) gives ` +
          '(a JobRecord, or undefined for an unknown job).',
      );
    }
    const adapter = this.adapterHost.httpAdapter;
    const view = jobView(record);
    if (isPending(record)) {
      adapter.setHeader(response, 'Retry-After', plan.retryAfter);
    } else if (redirects(record, plan)) {
      return new Response(JSON.stringify(view), {
        status: 303,
        headers: {
          Location: absoluteLocations(this.options)
            ? absoluteUrl(record.resultUrl, request)
            : record.resultUrl,
          'Content-Type': JSON_TYPE,
          'Cache-Control': 'no-store',
        },
      });
    }
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    return view;
  }

  private planFor(context: ExecutionContext): StatusPlan {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (!plan) {
      const rule = this.reflector.get(JobStatusMetadata, handler) ?? {};
      const defaults = resolveJobsOptions(this.options.jobs);
      plan = {
        doneStatus: rule.doneStatus ?? defaults.doneStatus,
        retryAfter: String(rule.retryAfterSeconds ?? defaults.retryAfterSeconds),
        handlerName: `${context.getClass().name}.${handler.name}`,
      };
      this.plans.set(handler, plan);
    }
    return plan;
  }
}

function redirects(
  record: JobRecord,
  plan: StatusPlan,
): record is JobRecord & { resultUrl: string } {
  return record.status === 'succeeded' && record.resultUrl !== undefined && plan.doneStatus === 303;
}
