/** A link a page offers, as the query parameters that differ from the request's. */
export interface PageLink {
  /** Relation type (RFC 8288): `first`, `prev`, `next` or `last`. */
  rel: 'first' | 'prev' | 'next' | 'last';
  /** Parameters to set in the request's query; `undefined` removes one. */
  params: Readonly<Record<string, string | undefined>>;
}

/**
 * What a `@Paginated()` handler returns: one page of a list. `@Paginated()` answers it with 200,
 * `{ data, pagination }`, a `Link` header built from the request URL and, when the total is
 * known, `X-Total-Count`. Made by `paginate()` (offset) or `paginateByCursor()` (cursor).
 */
export abstract class PaginatedResult<T, P extends object = object> {
  protected constructor(
    /** The items of this page, in order. */
    readonly data: readonly T[],
    /** The `pagination` member of the body. */
    readonly pagination: Readonly<P>,
  ) {}

  /** Value of `X-Total-Count`; `undefined` leaves the header out (the total was not counted). */
  abstract get totalCount(): number | undefined;

  /** The links that apply to this page, in the order the `Link` header lists them. */
  abstract links(): PageLink[];

  /** The body: `{ data, pagination }`. */
  toJSON(): { data: readonly T[]; pagination: Readonly<P> } {
    return { data: this.data, pagination: this.pagination };
  }
}
