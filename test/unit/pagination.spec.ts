import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import fc from 'fast-check';
import { ValidationFailedError } from '../../lib';
import {
  CursorQuery,
  pageOffset,
  PageQuery,
  paginate,
  paginateByCursor,
  Paginated,
} from '../../lib/pagination';
import { decodeCursor, encodeCursor } from '../../lib/pagination/cursor-codec';
import { readCursor } from '../../lib/pagination/cursor-codec';
import { linkHeader, withQueryParams } from '../../lib/pagination/page-links';
import { mergePageLimits, withPageLimits } from '../../lib/pagination/page-limits';
import { StatusModule } from '../../lib/status.module';

describe('withQueryParams', () => {
  it.each([
    ['/u', { page: '2' }, '/u?page=2'],
    ['/u?page=1&limit=20', { page: '2', limit: '20' }, '/u?page=2&limit=20'],
    ['/u?limit=20&page=1', { page: '2', limit: '20' }, '/u?limit=20&page=2'],
    [
      '/u?filter=role:admin&page=1',
      { page: '2', limit: '5' },
      '/u?filter=role:admin&page=2&limit=5',
    ],
    ['/u?page=1&page=3&x=1', { page: '2' }, '/u?page=2&x=1'],
    ['/u?pa%67e=1&x=y', { page: '2' }, '/u?page=2&x=y'],
    ['/u?q=a+b&q=%2F&&', { page: '1' }, '/u?q=a+b&q=%2F&page=1'],
    ['/u?cursor=abc&limit=5', { cursor: undefined, limit: '5' }, '/u?limit=5'],
    ['/u?cursor=abc', { cursor: undefined }, '/u'],
    ['/u?q=<b>"x"{|}^`\\', { page: '2' }, '/u?q=%3Cb%3E%22x%22%7B%7C%7D%5E%60%5C&page=2'],
    ['/u?q=100%&r=%zz&s=%41', { page: '2' }, '/u?q=100%25&r=%25zz&s=%41&page=2'],
    ['//evil.example/u?page=1', { page: '2' }, '/evil.example/u?page=2'],
    ['/u?page=1#frag', { page: '2' }, '/u?page=2'],
    ['/u?x=%E2%82%AC', { page: '2' }, '/u?x=%E2%82%AC&page=2'],
    ['/u', { 'a b': 'c&d' }, '/u?a%20b=c%26d'],
    ['/u?bad=%E0%A4%A', { page: '2' }, '/u?bad=%E0%A4%25A&page=2'],
  ])('%s with %j is %s', (url, params, expected) => {
    expect(withQueryParams(url, params)).toBe(expected);
  });

  it('never yields a character that would break a Link header', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii' }), fc.string(), (query, value) => {
        const url = withQueryParams(`/u?${query}`, { page: value });
        expect(url).toMatch(/^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/);
        expect(url).not.toMatch(/%(?![0-9A-Fa-f]{2})/);
      }),
    );
  });
});

describe('linkHeader', () => {
  it('lists the links in order, RFC 8288 style', () => {
    expect(
      linkHeader('/u?page=1', [
        { rel: 'next', params: { page: '2' } },
        { rel: 'last', params: { page: '5' } },
      ]),
    ).toBe('</u?page=2>; rel="next", </u?page=5>; rel="last"');
  });

  it('is undefined when no link applies', () => {
    expect(linkHeader('/u', [])).toBeUndefined();
  });
});

describe('paginate', () => {
  it("gives the guide's numbers", () => {
    const page = paginate(new Array(20).fill(0), 97, { page: 1, limit: 20 });
    expect(page.toJSON().pagination).toEqual({
      page: 1,
      limit: 20,
      totalPages: 5,
      totalCount: 97,
      hasNext: true,
      hasPrev: false,
    });
    expect(page.totalCount).toBe(97);
    expect(page.links().map((link) => link.rel)).toEqual(['next', 'last']);
  });

  it('keeps its numbers and links consistent for every total, limit and page', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 300 }),
        (total, limit, pageNo) => {
          const page = paginate([], total, { page: pageNo, limit });
          const info = page.pagination;
          const rels = Object.fromEntries(page.links().map((l) => [l.rel, Number(l.params.page)]));
          expect(info.totalPages).toBe(total === 0 ? 0 : Math.floor((total - 1) / limit) + 1);
          expect(info.totalPages * limit).toBeGreaterThanOrEqual(total);
          expect(Math.max(info.totalPages - 1, 0) * limit).toBeLessThan(Math.max(total, 1));
          // A next page exists exactly when items lie beyond this one.
          expect(info.hasNext).toBe(pageNo * limit < total);
          expect(info.hasPrev).toBe(pageNo > 1);
          expect(info.hasNext).toBe(rels.next !== undefined);
          expect(info.hasPrev).toBe(rels.prev !== undefined);
          expect(info.hasPrev).toBe(rels.first !== undefined);
          if (rels.next !== undefined) expect(rels.next).toBe(pageNo + 1);
          if (rels.first !== undefined) expect(rels.first).toBe(1);
          if (rels.prev !== undefined) {
            expect(rels.prev).toBeLessThan(pageNo);
            expect(rels.prev).toBeLessThanOrEqual(Math.max(info.totalPages, 1));
          }
          if (rels.last !== undefined) {
            expect(rels.last).toBe(info.totalPages);
            expect(rels.last).not.toBe(pageNo);
          }
          expect(rels.last === undefined).toBe(info.totalPages === 0 || pageNo === info.totalPages);
        },
      ),
    );
  });

  it.each([
    [{ page: 0, limit: 20 }, 10],
    [{ page: 1, limit: 0 }, 10],
    [{ page: Number.NaN, limit: 20 }, 10],
    [{ page: 1, limit: 20 }, -1],
    [{ page: 1, limit: 20 }, 1.5],
  ])('refuses an unvalidated query or a wrong total (%j, %d)', (query, total) => {
    expect(() => paginate([], total, query)).toThrow(TypeError);
  });
});

describe('paginateByCursor', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

  it('sends limit rows and a cursor when it got one row more', () => {
    const page = paginateByCursor(rows(11), { limit: 10 }, (r) => ({ id: r.id }));
    expect(page.data).toHaveLength(10);
    expect(page.pagination).toEqual({
      limit: 10,
      hasNext: true,
      nextCursor: encodeCursor({ id: 10 }),
    });
    expect(page.totalCount).toBeUndefined();
    expect(page.links()).toEqual([
      { rel: 'next', params: { cursor: encodeCursor({ id: 10 }), limit: '10' } },
    ]);
  });

  it('is the last page when it got limit rows or fewer', () => {
    for (const n of [0, 5, 10]) {
      const page = paginateByCursor(rows(n), { limit: 10, cursor: 'x' }, (r) => r.id, {
        totalCount: 42,
      });
      expect(page.pagination).toEqual({
        limit: 10,
        hasNext: false,
        nextCursor: null,
        totalCount: 42,
      });
      expect(page.links()).toEqual([{ rel: 'first', params: { cursor: undefined, limit: '10' } }]);
    }
  });
});

describe('cursors', () => {
  it('decode to what was encoded', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const cursor = encodeCursor(value);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        if (cursor.length <= 512)
          expect(readCursor(cursor)).toEqual({ position: JSON.parse(JSON.stringify(value)) });
      }),
    );
  });

  it.each(['', '***', 'bm90IGpzb24', 'A'.repeat(513), 'eyJpZCI6'])('refuses %j', (cursor) => {
    expect(readCursor(cursor)).toBeUndefined();
    expect(() => decodeCursor(cursor)).toThrow(ValidationFailedError);
  });

  it('refuses a well-formed cursor whose position fails the guard, as a 422 naming cursor', () => {
    const isId = (p: unknown): p is { id: number } =>
      typeof (p as { id?: unknown })?.id === 'number';
    expect(decodeCursor(encodeCursor({ id: 3 }), isId)).toEqual({ id: 3 });
    expect(decodeCursor(undefined, isId)).toBeUndefined();
    try {
      decodeCursor(encodeCursor({ id: '3' }), isId);
      throw new Error('expected a 422');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailedError);
      expect((error as ValidationFailedError).status).toBe(422);
      expect((error as ValidationFailedError).details).toEqual([
        { field: 'cursor', code: 'INVALID_CURSOR', message: expect.stringContaining('rel="next"') },
      ]);
    }
  });
});

describe('page limits', () => {
  it('merges module then route, member by member', () => {
    expect(mergePageLimits()).toEqual({ defaultLimit: 20, maxLimit: 100 });
    expect(mergePageLimits({ maxLimit: 500 })).toEqual({ defaultLimit: 20, maxLimit: 500 });
    expect(mergePageLimits({ maxLimit: 500, defaultLimit: 50 }, { maxLimit: 60 })).toEqual({
      defaultLimit: 50,
      maxLimit: 60,
    });
    // A lower maximum lowers an inherited default with it.
    expect(mergePageLimits({ maxLimit: 10 })).toEqual({ defaultLimit: 10, maxLimit: 10 });
    expect(mergePageLimits({ defaultLimit: 50 }, { maxLimit: 30 })).toEqual({
      defaultLimit: 30,
      maxLimit: 30,
    });
  });

  it.each([
    [{ maxLimit: 0 }],
    [{ maxLimit: 2.5 }],
    [{ defaultLimit: 0 }],
    [{ defaultLimit: 101 }],
    [{ defaultLimit: 50, maxLimit: 40 }],
  ])('refuses %j with a hint', (limits) => {
    expect(() => mergePageLimits(limits)).toThrow(/Pagination (maxLimit|defaultLimit)/);
    expect(() => Paginated(limits)).toThrow(/Pagination/);
    expect(() => StatusModule.forRoot({ pagination: limits })).toThrow(/Pagination/);
  });
});

describe('PageQuery and CursorQuery', () => {
  async function check<T extends object>(type: new () => T, plain: object) {
    const query = plainToInstance(type, plain);
    const errors = await validate(query);
    return { query, failed: errors.map((e) => [e.property, Object.keys(e.constraints ?? {})]) };
  }

  it('default to page 1 and the limit in force', async () => {
    const outside = await check(PageQuery, {});
    expect(outside.query).toEqual(Object.assign(new PageQuery(), { page: 1, limit: 20 }));
    expect(pageOffset(outside.query)).toBe(0);
    expect(outside.failed).toEqual([]);
    const inside = await withPageLimits({ defaultLimit: 7, maxLimit: 9 }, () =>
      check(PageQuery, { page: '3' }),
    );
    expect(inside.query).toMatchObject({ page: 3, limit: 7 });
    expect(pageOffset(inside.query)).toBe(14);
  });

  it('hold limit to the maximum in force', async () => {
    expect((await check(PageQuery, { limit: '100' })).failed).toEqual([]);
    expect((await check(PageQuery, { limit: '101' })).failed).toEqual([['limit', ['max']]]);
    const routed = await withPageLimits({ defaultLimit: 5, maxLimit: 10 }, () =>
      check(CursorQuery, { limit: '11' }),
    );
    expect(routed.failed).toEqual([['limit', ['max']]]);
  });

  it('refuse a page whose offset would not be an exact integer', async () => {
    const max = Math.floor(Number.MAX_SAFE_INTEGER / 100);
    expect((await check(PageQuery, { page: String(max) })).failed).toEqual([]);
    expect((await check(PageQuery, { page: String(max + 1) })).failed).toEqual([['page', ['max']]]);
  });
});
