import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { map, Observable } from 'rxjs';
import { STATUS_OPTIONS } from '../options/options.token';
import type { ResolvedStatusOptions } from '../options/status-options';
import { linkHeader } from './page-links';
import { mergePageLimits, PageLimits, withPageLimits } from './page-limits';
import { PaginatedResult } from './paginated-result';
import { PaginatedRoute } from './paginated-route.metadata';
import { originForm } from '../platform/request-target';

/**
 * Applied by `@Paginated()` to the routes that list: answers a `PaginatedResult` (from
 * `paginate()` or `paginateByCursor()`) with `{ data, pagination }`, `Link` and `X-Total-Count`,
 * and makes the route's limits the ones its `PageQuery` / `CursorQuery` is validated against.
 * The status stays the route's (200 for a GET), including for an empty page. Anything else the
 * handler returns passes through untouched.
 */
@Injectable()
export class PaginationInterceptor implements NestInterceptor {
  private readonly limits = new WeakMap<object, Readonly<Required<PageLimits>>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    @Optional()
    @Inject(STATUS_OPTIONS)
    private readonly options?: ResolvedStatusOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    // Pipes run inside next.handle(), so the query is validated with this route's limits.
    return withPageLimits(this.limitsFor(context), () => next.handle()).pipe(
      map((value) => (value instanceof PaginatedResult ? this.answer(context, value) : value)),
    );
  }

  /** Sets `Link` and `X-Total-Count` through the adapter and returns the body. */
  protected answer(context: ExecutionContext, page: PaginatedResult<unknown>): unknown {
    const http = context.switchToHttp();
    const adapter = this.adapterHost.httpAdapter;
    const response = http.getResponse();
    const link = linkHeader(
      originForm(String(adapter.getRequestUrl(http.getRequest()))),
      page.links(),
    );
    if (link !== undefined) adapter.setHeader(response, 'Link', link);
    const total = page.totalCount;
    if (total !== undefined) adapter.setHeader(response, 'X-Total-Count', String(total));
    return page.toJSON();
  }

  /** The route's limits over the module's over the built-in ones, merged once per handler. */
  private limitsFor(context: ExecutionContext): Readonly<Required<PageLimits>> {
    const handler = context.getHandler();
    let limits = this.limits.get(handler);
    if (limits === undefined) {
      const route = this.reflector.getAllAndOverride(PaginatedRoute, [handler, context.getClass()]);
      limits = Object.freeze(mergePageLimits(this.options?.pagination, route));
      this.limits.set(handler, limits);
    }
    return limits;
  }
}
