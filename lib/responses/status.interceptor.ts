import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { catchError, type Observable, of, throwError } from 'rxjs';
import { keepStatus } from '../errors/kept-status';
import { SuccessRule, SuccessRuleMetadata } from './success-rules';

/**
 * Behind `@DeleteMissing` only (route-scoped: other routes pay for no interceptor): a DELETE of a
 * missing resource answers as the route says, 204 (done already) or its 404, whatever the app-wide
 * `deleteMissing`. `@Created` needs none (see `created-route.ts`).
 */
@Injectable()
export class StatusInterceptor implements NestInterceptor {
  private readonly rules = new WeakMap<object, SuccessRule>();

  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const rule = this.ruleFor(context);
    const request = context.switchToHttp().getRequest();
    if (rule.deleteMissing === undefined || String(request.method).toUpperCase() !== 'DELETE') {
      return next.handle();
    }
    const answer = rule.deleteMissing;
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (statusOf(error) !== 404) return throwError(() => error);
        // Nothing to send: the reply answers a DELETE's empty result with 204.
        return answer === 204 ? of(undefined) : throwError(() => keepStatus(error));
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

/** The status an error carries (our domain errors and Nest's `HttpException`s). */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { status?: unknown; getStatus?: () => unknown };
  const status = typeof e.getStatus === 'function' ? e.getStatus() : e.status;
  return typeof status === 'number' ? status : undefined;
}
