import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { RESOLVED_STATUS_OPTIONS } from '../status.constants';
import type { ResolvedStatusOptions } from '../status.options';
import { stateOf } from '../request-state';
import { SuccessRule, SuccessRuleMetadata } from './success-rules';

/**
 * Behind `@DeleteMissing` only (route-scoped: other routes pay for no interceptor): a route's
 * delete-missing policy, for the filter. `@Created` needs none (see `created-route.ts`).
 */
@Injectable()
export class StatusInterceptor implements NestInterceptor {
  private readonly rules = new WeakMap<object, SuccessRule>();

  constructor(
    @Inject(RESOLVED_STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.options.interceptor || context.getType() !== 'http') return next.handle();
    const rule = this.ruleFor(context);
    if (rule.deleteMissing !== undefined) {
      stateOf(context.switchToHttp().getRequest()).deleteMissing = rule.deleteMissing;
    }
    return next.handle();
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
