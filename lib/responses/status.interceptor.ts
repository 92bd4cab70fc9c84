import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, type Observable, throwError } from 'rxjs';
import { answerMissingDeleteWith } from '../errors/missing-delete';
import { SuccessRule, SuccessRuleMetadata } from './success-rules';

/**
 * Behind `@DeleteMissing` only (route-scoped: other routes pay for no interceptor): a DELETE of a
 * missing resource answers as the route says, 204 (done already) or its 404, whatever the app-wide
 * `success.deleteMissing`. `@Created` needs none (see `created-route.ts`).
 */
@Injectable()
export class StatusInterceptor implements NestInterceptor {
  private readonly rules = new WeakMap<object, SuccessRule>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const rule = this.ruleFor(context);
    if (rule.deleteMissing === undefined) return next.handle();
    const answer = rule.deleteMissing;
    // The filter decides, for a DELETE, once the error is normalized (a mapped error may be a 404).
    return next
      .handle()
      .pipe(
        catchError((error: unknown) => throwError(() => answerMissingDeleteWith(error, answer))),
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
