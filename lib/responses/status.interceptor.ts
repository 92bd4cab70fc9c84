import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, type Observable, tap, throwError } from 'rxjs';
import { answerMissingDeleteWith } from '../errors/missing-delete';
import { CREATION } from './created-route';
import { SuccessRule, SuccessRuleMetadata } from './success-rules';

/**
 * Behind `@Created` and `@DeleteMissing` only (route-scoped: other routes pay for no
 * interceptor).
 * - `@Created`: keeps the handler's own result on the request for the `Location`, where another
 *   interceptor (the method's, the controller's, the app's) may reshape it: bound innermost at
 *   start-up by `captureWhereReshaped`, it sees the result first.
 * - `@DeleteMissing`: a DELETE of a missing resource answers as the route says, 204 or 404,
 *   whatever the app-wide `success.deleteMissing`.
 */
@Injectable()
export class StatusInterceptor implements NestInterceptor {
  private readonly rules = new WeakMap<object, SuccessRule>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const rule = this.ruleFor(context);
    let answer = next.handle();
    const created = rule.created;
    if (created !== undefined) {
      const request: object = context.switchToHttp().getRequest();
      answer = answer.pipe(tap((entity) => CREATION.set(request, { rule: created, entity })));
    }
    const missing = rule.deleteMissing;
    if (missing !== undefined) {
      // The filter decides, for a DELETE, once the error is normalized (a mapped error may be a 404).
      answer = answer.pipe(
        catchError((error: unknown) => throwError(() => answerMissingDeleteWith(error, missing))),
      );
    }
    return answer;
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
