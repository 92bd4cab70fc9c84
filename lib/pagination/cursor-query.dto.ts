import { IsInt, IsOptional, IsString, Min, ValidateBy } from 'class-validator';
import { INVALID_CURSOR, readCursor } from './cursor-codec';
import { currentPageLimits } from './page-limits';
import { IsWithinPageLimit } from './page-limit.validators';
import { ToWholeNumber } from './whole-number.transform';

/**
 * The query of a cursor-paginated list: `?limit=20&cursor=...`. No `cursor` means the first
 * page; each page links to the next one with the cursor to send. A cursor that is not one this
 * API issued is a 422 naming `cursor`; `limit` follows the same rules as in `PageQuery`.
 *
 * @example
 * @Get('feed') @Paginated()
 * feed(@Query() query: CursorQuery): CursorPage<Event> {
 *   const after = decodeCursor(query.cursor, isIdPosition);
 *   const rows = this.events.after(after?.id ?? 0, query.limit + 1); // one more than a page
 *   return paginateByCursor(rows, query, (event) => ({ id: event.id }));
 * }
 */
export class CursorQuery {
  /** Where the page starts: the `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @ValidateBy({
    // Named so that the 422 detail's code is INVALID_CURSOR.
    name: 'invalidCursor',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && readCursor(value) !== undefined,
      defaultMessage: () => INVALID_CURSOR,
    },
  })
  cursor?: string;

  /** Items per page. */
  @ToWholeNumber()
  @IsInt()
  @Min(1)
  @IsWithinPageLimit()
  limit: number = currentPageLimits().defaultLimit;
}
