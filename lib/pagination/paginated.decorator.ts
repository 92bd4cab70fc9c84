import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { mergePageLimits, type PageLimits } from './page-limits';
import { PaginatedRoute } from './paginated-route.metadata';
import { PaginationInterceptor } from './pagination.interceptor';

/**
 * Marks a list route (or every route of a controller): the handler returns one page, from
 * `paginate()` or `paginateByCursor()`, and the answer is 200 with `{ data, pagination }`, a
 * `Link` header (`first`, `prev`, `next`, `last` as they apply, keeping the request's other
 * query parameters) and `X-Total-Count`. Its `PageQuery` / `CursorQuery` is validated against
 * the limits given here, over those of `StatusModule.forRoot({ pagination })`, over the built-in
 * ones (default 20, maximum 100).
 *
 * @example
 * @Get()
 * @Paginated({ maxLimit: 50 })
 * list(@Query() query: UserListQuery): Page<User> {
 *   return paginate(this.users.page(query), this.users.count(query), query);
 * }
 */
export function Paginated(limits: PageLimits = {}): MethodDecorator & ClassDecorator {
  checkLimits(limits);
  return applyDecorators(PaginatedRoute(limits), UseInterceptors(PaginationInterceptor));
}

/** A wrong limit fails where it is written, at start-up, rather than on a request. */
function checkLimits(limits: PageLimits): void {
  mergePageLimits(limits);
}
