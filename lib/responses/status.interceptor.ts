import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';
import { Inject } from '@nestjs/common';
import { RESOLVED_STATUS_OPTIONS } from '../status.constants';
import type { ResolvedStatusOptions } from '../status.options';
import { originForm } from '../routing/request-target';
import { created, CreatedResult } from './created-result';
import { buildLocation } from './location';
import { DELETE_MISSING } from './reply-flags';
import { SuccessRule, SuccessRuleMetadata } from './success-rules';

/**
 * Behind `@Created` and `@DeleteMissing` only (route-scoped: other routes pay for no
 * interceptor; the reply shaper gives them their status): the `Location` of a `@Created` route,
 * from its template or function, and a route's delete-missing policy, for the filter.
 */
@Injectable()
export class StatusInterceptor implements NestInterceptor {
  private readonly rules = new WeakMap<object, SuccessRule>();

  constructor(
    @Inject(RESOLVED_STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.options.interceptor || context.getType() !== 'http') return next.handle();
    const rule = this.ruleFor(context);
    const http = context.switchToHttp();
    const request = http.getRequest();
    if (rule.deleteMissing !== undefined) request[DELETE_MISSING] = rule.deleteMissing;
    if (!rule.created) return next.handle();
    const response = http.getResponse();
    return next.handle().pipe(
      map((result) => {
        const entity = result instanceof CreatedResult ? result.entity : result;
        const url = originForm(String(this.adapterHost.httpAdapter.getRequestUrl(request)));
        const location = buildLocation(
          { absolute: this.options.absoluteLocations, ...rule.created },
          entity,
          request,
          request.method,
          url,
        );
        if (location !== undefined) {
          this.adapterHost.httpAdapter.setHeader(response, 'Location', location);
        }
        return result instanceof CreatedResult ? created(entity, location) : result;
      }),
    );
  }

  private ruleFor(context: ExecutionContext): SuccessRule {
    const handler = context.getHandler();
    let rule = this.rules.get(handler);
    if (!rule) {
      rule = {
        ...this.reflector.get(SuccessRuleMetadata, context.getClass()),
        ...this.reflector.get(SuccessRuleMetadata, handler),
      };
      this.rules.set(handler, rule);
    }
    return rule;
  }
}
