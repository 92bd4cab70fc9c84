import { IsInt, Min } from 'class-validator';
import { currentPageLimits } from './page-limits';
import { IsReachablePage, IsWithinPageLimit } from './page-limit.validators';
import { ToWholeNumber } from './whole-number.transform';

/**
 * The query of an offset-paginated list: `?page=1&limit=20`. Validated by the same pipe as a
 * body, so a bad value is a 422 whose `details` name `page` or `limit`. When absent, `page` is 1
 * and `limit` the route's default (20 unless configured); `limit` may not exceed the route's
 * maximum (100 unless configured, see `@Paginated`).
 *
 * Extend it with the list's own filters: the validation pipe rejects query parameters that no
 * property declares.
 *
 * @example
 * export class UserListQuery extends PageQuery {
 *   @IsOptional() @Matches(/^role:(admin|user)$/) filter?: string;
 * }
 *
 * @Get() @Paginated()
 * list(@Query() query: UserListQuery): Promise<Page<User>> { ... }
 */
export class PageQuery {
  /** 1-based page number. */
  @ToWholeNumber()
  @IsInt()
  @Min(1)
  @IsReachablePage()
  page: number = 1;

  /** Items per page. */
  @ToWholeNumber()
  @IsInt()
  @Min(1)
  @IsWithinPageLimit()
  limit: number = currentPageLimits().defaultLimit;
}
