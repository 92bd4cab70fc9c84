import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { mergeMap, Observable } from 'rxjs';
import { assignRequestId, defaultRequestId } from '../platform/request-id';
import { fillTemplate } from '../platform/location';
import { STATUS_OPTIONS } from '../options/options.token';
import { absoluteLocations, type ResolvedStatusOptions } from '../options/status-options';
import { JobRunner } from './job-runner';
import { AsyncMetadata, type AsyncOptions, type AsyncRule } from './job-rules';
import { absoluteUrl, requestPath } from '../platform/request-target';
import { StatusResult } from '../platform/status-result';

/** What `@Async` decided once for a handler. */
interface AsyncPlan {
  rule: AsyncRule;
  handlerName: string;
}

/**
 * Behind `@Async`: adds a job with the input the handler returned (plain, or `accepted(input)`)
 * to the `JobRunner` and answers `202 { jobId, status, statusUrl }` + `Location` (the 202 itself
 * is `@HttpCode(202)`). Another helper's answer (`created()`, `noContent()`) adds no job: the
 * reply sends it instead of the 202.
 */
@Injectable()
export class AsyncJobInterceptor implements NestInterceptor {
  private readonly plans = new WeakMap<object, AsyncPlan>();

  constructor(
    private readonly runner: JobRunner,
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
    const adapter = this.adapterHost.httpAdapter;
    const requestId = assignRequestId(
      request,
      this.options.requestId.header.toLowerCase(),
      this.options.requestId.generate ?? defaultRequestId,
    );
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        if (result instanceof StatusResult && result.status !== 202) return result;
        const data = result instanceof StatusResult ? result.body : result;
        if (typeof data === 'function') {
          throw new TypeError(
            `The @Async handler ${plan.handlerName} returned a function; return the job's input ` +
              `(JSON) instead, e.g. \`return dto\`: the work itself is the process(job) method of ` +
              `a provider marked @Processor('${plan.rule.queue}').`,
          );
        }
        const path = requestPath(String(adapter.getRequestUrl(request)));
        const record = await this.runner.enqueue(plan.rule.queue, data, {
          statusUrl: (jobId) => monitorUrl(plan.rule.monitor, jobId, path, request),
          location: plan.rule.location,
          idPrefix: plan.rule.idPrefix,
          requestId,
        });
        const location = absoluteLocations(this.options)
          ? absoluteUrl(record.statusUrl, request)
          : record.statusUrl;
        adapter.setHeader(response, 'Location', location);
        return { jobId: record.jobId, status: record.status, statusUrl: record.statusUrl };
      }),
    );
  }

  private planFor(context: ExecutionContext): AsyncPlan {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (!plan) {
      const rule = this.reflector.get(AsyncMetadata, handler);
      plan = { rule, handlerName: `${context.getClass().name}.${handler.name}` };
      this.plans.set(handler, plan);
    }
    return plan;
  }
}

function monitorUrl(
  monitor: AsyncOptions['monitor'],
  jobId: string,
  path: string,
  request: unknown,
): string {
  if (typeof monitor === 'function') return monitor(jobId, request);
  if (typeof monitor === 'string') return fillTemplate(monitor, { jobId }) ?? monitor;
  return `${path}/jobs/${encodeURIComponent(jobId)}`;
}
