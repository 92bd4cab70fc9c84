import request from 'supertest';
import { StatusModule, StatusModuleOptions } from '../../lib';
import { encodeCursor } from '../../lib/pagination/cursor-codec';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import { parseLinks } from './fixtures/pagination-links';
import { Item, ItemsController, ItemsStore } from './fixtures/pagination.fixture';

function appWith(options: StatusModuleOptions = {}) {
  return {
    imports: [StatusModule.forRoot(options)],
    controllers: [ItemsController],
    providers: [ItemsStore],
  };
}

const ids = (items: Item[]) => items.map((item) => item.id);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(ADAPTERS)('pagination on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  let store: ItemsStore;
  beforeAll(async () => {
    running = await startApp(appWith(), makeAdapter);
    http = request(running.url);
    store = running.app.get(ItemsStore);
  });
  beforeEach(() => store.reset(97));
  afterAll(() => running.close());

  describe('offset pages', () => {
    it("answers the guide's first page: 200, Link next and last, X-Total-Count, the envelope", async () => {
      const res = await http.get('/items?page=1&limit=20');
      expect(res.status).toBe(200);
      expect(res.headers['link']).toBe(
        '</items?page=2&limit=20>; rel="next", </items?page=5&limit=20>; rel="last"',
      );
      expect(res.headers['x-total-count']).toBe('97');
      expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        data: expect.any(Array),
        pagination: {
          page: 1,
          limit: 20,
          totalPages: 5,
          totalCount: 97,
          hasNext: true,
          hasPrev: false,
        },
      });
      expect(ids(res.body.data)).toEqual(range(1, 20));
      expect(res.body.data[0]).toEqual({ id: 1, name: 'item 1', role: 'user' });
    });

    it('answers the last page with its 17 items, first and prev, and no next', async () => {
      const res = await http.get('/items?page=5&limit=20');
      expect(res.status).toBe(200);
      expect(ids(res.body.data)).toEqual(range(81, 97));
      expect(res.body.pagination).toEqual({
        page: 5,
        limit: 20,
        totalPages: 5,
        totalCount: 97,
        hasNext: false,
        hasPrev: true,
      });
      expect(res.headers['link']).toBe(
        '</items?page=1&limit=20>; rel="first", </items?page=4&limit=20>; rel="prev"',
      );
      expect(res.headers['x-total-count']).toBe('97');
    });

    it('links a middle page every way', async () => {
      const res = await http.get('/items?page=3&limit=20');
      expect(parseLinks(res.headers['link'])).toEqual({
        first: '/items?page=1&limit=20',
        prev: '/items?page=2&limit=20',
        next: '/items?page=4&limit=20',
        last: '/items?page=5&limit=20',
      });
      expect(res.body.pagination).toMatchObject({ page: 3, hasNext: true, hasPrev: true });
    });

    it.each([
      [100, 20, 5],
      [40, 20, 2],
      [20, 20, 1],
      [21, 20, 2],
      [1, 1, 1],
    ])(
      'gives an exact multiple the right last page (%i items by %i: %i pages)',
      async (count, limit, pages) => {
        store.reset(count);
        const first = await http.get(`/items?page=1&limit=${limit}`);
        expect(first.body.pagination.totalPages).toBe(pages);
        const links = parseLinks(first.headers['link']);
        if (pages === 1) {
          expect(first.headers['link']).toBeUndefined();
          expect(first.body.pagination.hasNext).toBe(false);
          return;
        }
        expect(links.last).toBe(`/items?page=${pages}&limit=${limit}`);
        const last = await http.get(links.last);
        expect(last.status).toBe(200);
        expect(last.body.data).toHaveLength(count - (pages - 1) * limit);
        expect(last.body.pagination).toMatchObject({ page: pages, hasNext: false, hasPrev: true });
        expect(parseLinks(last.headers['link']).next).toBeUndefined();
        const past = await http.get(`/items?page=${pages + 1}&limit=${limit}`);
        expect(past.body.data).toEqual([]);
      },
    );

    it('answers a filter that matches nothing with 200, data [] and totalPages 0', async () => {
      const res = await http.get('/items?page=1&limit=20&filter=role:superadmin');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [],
        pagination: {
          page: 1,
          limit: 20,
          totalPages: 0,
          totalCount: 0,
          hasNext: false,
          hasPrev: false,
        },
      });
      expect(res.headers['x-total-count']).toBe('0');
      expect(res.headers['link']).toBeUndefined();
    });

    it('answers a page past the last with 200, data [], and a way back', async () => {
      const res = await http.get('/items?page=9&limit=20');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [],
        pagination: {
          page: 9,
          limit: 20,
          totalPages: 5,
          totalCount: 97,
          hasNext: false,
          hasPrev: true,
        },
      });
      expect(parseLinks(res.headers['link'])).toEqual({
        first: '/items?page=1&limit=20',
        prev: '/items?page=5&limit=20',
        last: '/items?page=5&limit=20',
      });
    });

    it('uses page 1 and limit 20 when the query has neither, and says so in the links', async () => {
      const res = await http.get('/items');
      expect(res.status).toBe(200);
      expect(res.body.pagination).toMatchObject({ page: 1, limit: 20, totalPages: 5 });
      expect(ids(res.body.data)).toEqual(range(1, 20));
      expect(res.headers['link']).toBe(
        '</items?page=2&limit=20>; rel="next", </items?page=5&limit=20>; rel="last"',
      );
    });

    it('keeps every other query parameter in the links, in place and as sent', async () => {
      const res = await http.get('/items?filter=role:user&sort=-id&page=2&limit=10&q=a%20b%26c+d');
      expect(res.status).toBe(200);
      expect(res.body.pagination).toMatchObject({ page: 2, totalCount: 88, totalPages: 9 });
      expect(parseLinks(res.headers['link'])).toEqual({
        first: '/items?filter=role:user&sort=-id&page=1&limit=10&q=a%20b%26c+d',
        prev: '/items?filter=role:user&sort=-id&page=1&limit=10&q=a%20b%26c+d',
        next: '/items?filter=role:user&sort=-id&page=3&limit=10&q=a%20b%26c+d',
        last: '/items?filter=role:user&sort=-id&page=9&limit=10&q=a%20b%26c+d',
      });
      // The filter and sort were applied, and the links lead to the same filtered list.
      expect(res.body.data.every((item: Item) => item.role === 'user')).toBe(true);
      const next = await http.get(parseLinks(res.headers['link']).next);
      expect(next.status).toBe(200);
      expect(next.body.pagination).toMatchObject({ page: 3, totalCount: 88 });
    });

    it('percent-encodes what may not stand in a URI or would end the <...> of a Link', async () => {
      const res = await http.get('/items?q=<x>"{y}&page=1&limit=50');
      expect(res.status).toBe(200);
      expect(res.headers['link']).toBe(
        '</items?q=%3Cx%3E%22%7By%7D&page=2&limit=50>; rel="next", </items?q=%3Cx%3E%22%7By%7D&page=2&limit=50>; rel="last"',
      );
    });

    it('visits every item exactly once by following next from page 1', async () => {
      for (const query of [
        'limit=20',
        'limit=7&filter=role:user',
        'limit=100',
        'limit=1&sort=-id',
      ]) {
        const seen: number[] = [];
        let url: string | undefined = `/items?${query}`;
        let pages = 0;
        while (url !== undefined) {
          const res = await http.get(url);
          expect(res.status).toBe(200);
          seen.push(...ids(res.body.data));
          expect(res.body.pagination.hasNext).toBe(
            parseLinks(res.headers['link']).next !== undefined,
          );
          url = parseLinks(res.headers['link']).next;
          expect(++pages).toBeLessThanOrEqual(98);
        }
        const expected = store.items
          .filter((item) => !query.includes('filter') || item.role === 'user')
          .map((item) => item.id);
        expect([...seen].sort((a, b) => a - b)).toEqual(expected);
        expect(new Set(seen).size).toBe(seen.length);
      }
    });
  });

  describe('query validation', () => {
    it.each([
      ['page=0', 'page', 'OUT_OF_RANGE'],
      ['page=-1', 'page', 'OUT_OF_RANGE'],
      ['limit=0', 'limit', 'OUT_OF_RANGE'],
      ['limit=101', 'limit', 'OUT_OF_RANGE'],
      ['page=abc', 'page', 'INVALID_TYPE'],
      ['limit=2.5', 'limit', 'INVALID_TYPE'],
      ['page=', 'page', 'INVALID_TYPE'],
      ['page=%20', 'page', 'INVALID_TYPE'],
      ['page=1e1', 'page', 'INVALID_TYPE'],
      ['limit=0x10', 'limit', 'INVALID_TYPE'],
      ['page=1&page=2', 'page', 'INVALID_TYPE'],
      ['page=9007199254740991', 'page', 'OUT_OF_RANGE'],
      ['filter=colour:red', 'filter', 'INVALID_FORMAT'],
    ])('answers %s with 422 naming %s', async (query, field, code) => {
      const res = await http.get(`/items?${query}`);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        error: 'Unprocessable Content',
        message: `Validation Failed: ${field}.`,
        code: 'VALIDATION_FAILED',
        details: expect.arrayContaining([{ field, message: expect.any(String), code }]),
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(res.body.details.every((d: { field: string }) => d.field === field)).toBe(true);
      expect(res.headers['link']).toBeUndefined();
      expect(res.headers['x-total-count']).toBeUndefined();
    });

    it('says what the maximum is', async () => {
      const res = await http.get('/items?limit=101');
      expect(res.body.details).toEqual([
        { field: 'limit', message: 'limit must not be greater than 100', code: 'OUT_OF_RANGE' },
      ]);
    });

    it('names every bad parameter at once', async () => {
      const res = await http.get('/items?page=0&limit=500&filter=x');
      expect(res.status).toBe(422);
      const fields = new Set(res.body.details.map((d: { field: string }) => d.field));
      expect(fields).toEqual(new Set(['page', 'limit', 'filter']));
    });

    it.each(['colour', 'offset'])(
      'rejects a parameter the list does not know (%s), naming it',
      async (name) => {
        const res = await http.get(`/items?${name}=3`);
        expect(res.status).toBe(422);
        expect(res.body.details).toEqual([
          { field: name, message: `property ${name} should not exist`, code: 'UNKNOWN_FIELD' },
        ]);
      },
    );

    it("applies the route's own limits: default 5, maximum 10", async () => {
      const ok = await http.get('/small');
      expect(ok.status).toBe(200);
      expect(ok.body.pagination).toMatchObject({ page: 1, limit: 5, totalPages: 20 });
      expect(ok.body.data).toHaveLength(5);
      expect((await http.get('/small?limit=10')).status).toBe(200);
      const over = await http.get('/small?limit=11');
      expect(over.status).toBe(422);
      expect(over.body.details).toEqual([
        { field: 'limit', message: 'limit must not be greater than 10', code: 'OUT_OF_RANGE' },
      ]);
      // The other route keeps the module's limits.
      expect((await http.get('/items?limit=100')).status).toBe(200);
    });
  });

  describe('cursor pages', () => {
    it('answers the first page with hasNext, nextCursor and Link next, and no total', async () => {
      const res = await http.get('/feed?limit=20');
      expect(res.status).toBe(200);
      expect(ids(res.body.data)).toEqual(range(1, 20));
      const nextCursor = encodeCursor({ id: 20 });
      expect(res.body.pagination).toEqual({ limit: 20, hasNext: true, nextCursor });
      expect(res.headers['link']).toBe(`</feed?limit=20&cursor=${nextCursor}>; rel="next"`);
      expect(res.headers['x-total-count']).toBeUndefined();
    });

    it('answers the last page without next, with a link back to the first', async () => {
      const res = await http.get(`/feed?cursor=${encodeCursor({ id: 80 })}&limit=20`);
      expect(res.status).toBe(200);
      expect(ids(res.body.data)).toEqual(range(81, 97));
      expect(res.body.pagination).toEqual({ limit: 20, hasNext: false, nextCursor: null });
      expect(res.headers['link']).toBe('</feed?limit=20>; rel="first"');
    });

    it('answers a page that exactly ends the list without next (no empty page after it)', async () => {
      store.reset(40);
      const res = await http.get(`/feed?cursor=${encodeCursor({ id: 20 })}&limit=20`);
      expect(ids(res.body.data)).toEqual(range(21, 40));
      expect(res.body.pagination.hasNext).toBe(false);
      expect(parseLinks(res.headers['link']).next).toBeUndefined();
    });

    it('answers an empty list with 200 and data []', async () => {
      store.reset(0);
      const res = await http.get('/feed');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [],
        pagination: { limit: 20, hasNext: false, nextCursor: null },
      });
      expect(res.headers['link']).toBeUndefined();
    });

    it('adds totalCount and X-Total-Count when the handler counted', async () => {
      const res = await http.get('/feed/counted?limit=50');
      expect(res.body.pagination).toEqual({
        limit: 50,
        hasNext: true,
        nextCursor: encodeCursor({ id: 50 }),
        totalCount: 97,
      });
      expect(res.headers['x-total-count']).toBe('97');
    });

    it('visits every item exactly once by following next, even while items are added and removed', async () => {
      for (const limit of [20, 1, 97, 100]) {
        store.reset(97);
        const seen: number[] = [];
        let url: string | undefined = `/feed?limit=${limit}`;
        while (url !== undefined) {
          const res = await http.get(url);
          expect(res.status).toBe(200);
          seen.push(...ids(res.body.data));
          url = parseLinks(res.headers['link']).next;
          expect(res.body.pagination.hasNext).toBe(url !== undefined);
        }
        expect(seen).toEqual(range(1, 97));
      }
      // A changing collection: removing seen items does not make the walk skip unseen ones.
      store.reset(97);
      const seen: number[] = [];
      let url: string | undefined = '/feed?limit=10';
      while (url !== undefined) {
        const res = await http.get(url);
        seen.push(...ids(res.body.data));
        store.items = store.items.filter((item) => item.id !== seen[0]);
        url = parseLinks(res.headers['link']).next;
      }
      expect(seen).toEqual(range(1, 97));
    });

    it.each([
      ['cursor=not*base64', 'INVALID_CURSOR'],
      ['cursor=bm90IGpzb24', 'INVALID_CURSOR'],
      [`cursor=${'A'.repeat(600)}`, 'INVALID_CURSOR'],
      [`cursor=${encodeCursor({ name: 'x' })}`, 'INVALID_CURSOR'],
      ['cursor=', 'INVALID_CURSOR'],
    ])('answers a cursor it did not issue (%s) with 422 naming cursor', async (query, code) => {
      const res = await http.get(`/feed?${query}`);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field: 'cursor', message: expect.any(String), code }]);
      expect(res.body.details[0].message).toContain('Link rel="next"');
    });

    it('validates limit as offset pages do', async () => {
      for (const limit of ['0', '101', 'x']) {
        const res = await http.get(`/feed?limit=${limit}`);
        expect(res.status).toBe(422);
        expect(res.body.message).toBe('Validation Failed: limit.');
      }
    });
  });

  it('passes anything that is not a page through untouched', async () => {
    const res = await http.get('/not-a-page');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hello: 'world' });
    expect(res.headers['link']).toBeUndefined();
    expect(res.headers['x-total-count']).toBeUndefined();
  });
});

describe.each(ADAPTERS)(
  'pagination limits from StatusModule.forRoot on %s',
  (_name, makeAdapter) => {
    let running: RunningApp;
    let http: ReturnType<typeof request>;
    beforeAll(async () => {
      running = await startApp(
        appWith({ pagination: { defaultLimit: 25, maxLimit: 30 } }),
        makeAdapter,
      );
      http = request(running.url);
      running.app.get(ItemsStore).reset(97);
    });
    afterAll(() => running.close());

    it('uses the module default and maximum where the route sets none', async () => {
      const res = await http.get('/items');
      expect(res.body.pagination).toMatchObject({ limit: 25, totalPages: 4 });
      expect((await http.get('/items?limit=30')).status).toBe(200);
      const over = await http.get('/items?limit=31');
      expect(over.status).toBe(422);
      expect(over.body.details).toEqual([
        { field: 'limit', message: 'limit must not be greater than 30', code: 'OUT_OF_RANGE' },
      ]);
    });

    it("lets a route's own limits win", async () => {
      expect((await http.get('/small')).body.pagination.limit).toBe(5);
      expect((await http.get('/small?limit=11')).status).toBe(422);
    });
  },
);
