import { PageLink, PaginatedResult } from './paginated-result';

/** The `pagination` member of an offset page, as the guide shows it. */
export interface PageInfo {
  /** This page's number, 1-based. */
  page: number;
  /** Items per page. */
  limit: number;
  /** Pages in the list: `ceil(totalCount / limit)`, 0 when the list is empty. */
  totalPages: number;
  /** Items in the whole list (after filters). */
  totalCount: number;
  /** A page after this one holds items. */
  hasNext: boolean;
  /** This is not the first page. */
  hasPrev: boolean;
}

/**
 * One page of an offset-paginated list (`?page=&limit=`). Build it with `paginate()`.
 *
 * Links (RFC 8288): `first` and `prev` only when `page > 1`; `next` only when `hasNext`; `last`
 * only when the list has pages and this is not the last one. So page 1 of 5 links `next` and
 * `last` (as the guide shows), page 5 of 5 `first` and `prev`, an empty list nothing. A page
 * past the last links `prev` to the last page.
 */
export class Page<T> extends PaginatedResult<T, PageInfo> {
  constructor(data: readonly T[], pagination: PageInfo) {
    super(data, pagination);
  }

  get totalCount(): number {
    return this.pagination.totalCount;
  }

  links(): PageLink[] {
    const { page, limit, totalPages, hasNext } = this.pagination;
    const to = (rel: PageLink['rel'], target: number): PageLink => ({
      rel,
      params: { page: String(target), limit: String(limit) },
    });
    const links: PageLink[] = [];
    if (page > 1)
      links.push(to('first', 1), to('prev', Math.min(page - 1, Math.max(totalPages, 1))));
    if (hasNext) links.push(to('next', page + 1));
    if (totalPages >= 1 && page !== totalPages) links.push(to('last', totalPages));
    return links;
  }
}

/**
 * One page of an offset-paginated list, from the page's items, the number of items in the whole
 * list (after filters: `SELECT COUNT(*)`) and the validated query. Fetch only the page
 * (`LIMIT limit OFFSET (page - 1) * limit`); a page past the last is simply empty.
 *
 * @example
 * @Get() @Paginated()
 * list(@Query() query: PageQuery): Page<User> {
 *   const total = db.prepare('SELECT COUNT(*) AS n FROM users').get().n;
 *   const rows = db.prepare('SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?').all(query.limit, pageOffset(query));
 *   return paginate(rows, total, query);
 * }
 */
export function paginate<T>(
  data: readonly T[],
  totalCount: number,
  query: { page: number; limit: number },
): Page<T> {
  const { page, limit } = query;
  if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(limit) || limit < 1) {
    throw new TypeError(
      `paginate() needs a validated query (page and limit whole numbers of 1 or more), got page=${page}, limit=${limit}. Type the @Query() parameter as PageQuery.`,
    );
  }
  if (!Number.isSafeInteger(totalCount) || totalCount < 0) {
    throw new TypeError(
      `paginate() needs totalCount as a whole number of 0 or more, got ${totalCount}.`,
    );
  }
  const totalPages = Math.ceil(totalCount / limit);
  return new Page(data, {
    page,
    limit,
    totalPages,
    totalCount,
    hasNext: page < totalPages,
    hasPrev: page > 1,
  });
}

/**
 * Rows to skip before the query's page, `(page - 1) * limit`: the `OFFSET` of its
 * `LIMIT ? OFFSET ?`. (A function, not a `PageQuery` member: the query class holds only what the
 * client may send.)
 */
export function pageOffset(query: { page: number; limit: number }): number {
  return (query.page - 1) * query.limit;
}
