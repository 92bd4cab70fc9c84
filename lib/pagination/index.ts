// `nestjs-status/pagination`: lists answered a page at a time, with `Link` and `X-Total-Count`.

/** `@Paginated()` on a list route; the page size limits it takes. */
export { Paginated } from './paginated.decorator';
export type { PageLimits } from './page-limits';

/** The query DTOs: `page` + `limit`, or `cursor` + `limit`. */
export { PageQuery } from './page-query.dto';
export { CursorQuery } from './cursor-query.dto';

/** What a `@Paginated()` handler returns, and the helpers that make it. */
export { PaginatedResult } from './paginated-result';
export type { PageLink } from './paginated-result';
export { Page, pageOffset, paginate } from './page';
export type { PageInfo } from './page';
export { CursorPage, paginateByCursor } from './cursor-page';
export type { CursorPageInfo, CursorPageOptions } from './cursor-page';

/** Reads the position a cursor carries (checked by your guard); `paginateByCursor` makes them. */
export { decodeCursor } from './cursor-codec';
