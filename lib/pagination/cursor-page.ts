import { encodeCursor } from './cursor-codec';
import { PageLink, PaginatedResult } from './paginated-result';

/** The `pagination` member of a cursor page. */
export interface CursorPageInfo {
  /** Items per page. */
  limit: number;
  /** A page after this one holds items. */
  hasNext: boolean;
  /** The `cursor` that fetches the next page; `null` on the last page. */
  nextCursor: string | null;
  /** Items in the whole list, only when the handler counted them. */
  totalCount?: number;
}

/**
 * One page of a cursor-paginated list (`?cursor=&limit=`), for collections too large to count
 * or that change while a client walks them. Build it with `paginateByCursor()`.
 *
 * Links: `next` when `hasNext`; `first` (the same URL without `cursor`) when the request had a
 * cursor. `X-Total-Count` only when a `totalCount` was given.
 */
export class CursorPage<T> extends PaginatedResult<T, CursorPageInfo> {
  constructor(
    data: readonly T[],
    pagination: CursorPageInfo,
    private readonly fromCursor: boolean,
  ) {
    super(data, pagination);
  }

  get totalCount(): number | undefined {
    return this.pagination.totalCount;
  }

  links(): PageLink[] {
    const { limit, nextCursor } = this.pagination;
    const links: PageLink[] = [];
    if (this.fromCursor)
      links.push({ rel: 'first', params: { cursor: undefined, limit: String(limit) } });
    if (nextCursor !== null)
      links.push({ rel: 'next', params: { cursor: nextCursor, limit: String(limit) } });
    return links;
  }
}

/** Options of `paginateByCursor()`. */
export interface CursorPageOptions {
  /** Items in the whole list, when counting is cheap enough; sets `X-Total-Count`. */
  totalCount?: number;
}

/**
 * One page of a cursor-paginated list. Fetch ONE MORE row than `limit` (`LIMIT limit + 1`) after
 * the position of the request's cursor, in a stable order with a unique key: the extra row only
 * tells that a next page exists and is not sent. `cursorOf` gives the position of an item (its
 * sort key); the next cursor is the position of the last item sent.
 *
 * @example
 * const after = decodeCursor(query.cursor, isIdPosition);
 * const rows = db.prepare('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?').all(after?.id ?? 0, query.limit + 1);
 * return paginateByCursor(rows, query, (event) => ({ id: event.id }));
 */
export function paginateByCursor<T>(
  rows: readonly T[],
  query: { limit: number; cursor?: string },
  cursorOf: (item: T) => unknown,
  options: CursorPageOptions = {},
): CursorPage<T> {
  const { limit } = query;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new TypeError(
      `paginateByCursor() needs a validated query (limit a whole number of 1 or more), got limit=${limit}. Type the @Query() parameter as CursorQuery.`,
    );
  }
  const hasNext = rows.length > limit;
  const data = hasNext ? rows.slice(0, limit) : rows;
  const pagination: CursorPageInfo = {
    limit,
    hasNext,
    nextCursor: hasNext ? encodeCursor(cursorOf(data[data.length - 1])) : null,
  };
  if (options.totalCount !== undefined) pagination.totalCount = options.totalCount;
  return new CursorPage(data, pagination, query.cursor !== undefined);
}
