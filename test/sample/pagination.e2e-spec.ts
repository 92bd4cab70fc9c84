import request from 'supertest';
import { SampleDatabase } from '../../sample/database/sample-database';
import { UsersService } from '../../sample/users/users.service';
import { REQUEST_ID } from '../support/http-app';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';
import { parseLinks } from '../e2e/fixtures/pagination-links';

interface ListedUser {
  id: number;
  name: string;
  email: string;
  role: string;
  createdAt: string;
}

const ids = (users: ListedUser[]) => users.map((user) => user.id);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(SAMPLE_ADAPTERS)('sample GET /api/users on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;

  /** The seed has users 1 and 2; the rest (3..total) go in through the sample's own service. */
  async function seedUsers(total: number): Promise<void> {
    const users = sample.app.get(UsersService);
    for (let id = 3; id <= total; id++)
      await users.create({ name: `User ${id}`, email: `user${id}@example.com` });
  }

  beforeEach(async () => {
    sample = await startSample(adapter);
    http = request(sample.url);
  });
  afterEach(() => sample.close());

  it("answers the guide's example: 97 users, page 1 of 5 by 20", async () => {
    await seedUsers(97);
    const res = await http.get('/api/users?page=1&limit=20');
    expect(res.status).toBe(200);
    expect(res.headers['link']).toBe(
      '</api/users?page=2&limit=20>; rel="next", </api/users?page=5&limit=20>; rel="last"',
    );
    expect(res.headers['x-total-count']).toBe('97');
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(res.body.pagination).toEqual({
      page: 1,
      limit: 20,
      totalPages: 5,
      totalCount: 97,
      hasNext: true,
      hasPrev: false,
    });
    expect(ids(res.body.data)).toEqual(range(1, 20));
    expect(res.body.data[0]).toEqual({
      id: 1,
      name: 'Admin',
      email: 'admin@example.com',
      role: 'admin',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
  });

  it('answers page 5 with the last 17 users and no next', async () => {
    await seedUsers(97);
    const res = await http.get('/api/users?page=5&limit=20');
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
    expect(parseLinks(res.headers['link'])).toEqual({
      first: '/api/users?page=1&limit=20',
      prev: '/api/users?page=4&limit=20',
    });
  });

  it('gives an exact multiple of the page size the right last page', async () => {
    await seedUsers(100);
    const first = await http.get('/api/users?limit=20');
    expect(first.body.pagination).toMatchObject({ totalPages: 5, totalCount: 100 });
    expect(parseLinks(first.headers['link']).last).toBe('/api/users?limit=20&page=5');
    const last = await http.get('/api/users?page=5&limit=20');
    expect(ids(last.body.data)).toEqual(range(81, 100));
    expect(last.body.pagination.hasNext).toBe(false);
    expect(parseLinks(last.headers['link']).next).toBeUndefined();
    const past = await http.get('/api/users?page=6&limit=20');
    expect(past.status).toBe(200);
    expect(past.body.data).toEqual([]);
  });

  it('answers filter=role:superadmin with 200, data [] and totalPages 0', async () => {
    const res = await http.get('/api/users?page=1&limit=20&filter=role:superadmin');
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

  it('filters by role, counting only the matches, and keeps the filter in the links', async () => {
    await seedUsers(30);
    const admins = await http.get('/api/users?filter=role:admin');
    expect(ids(admins.body.data)).toEqual([1]);
    expect(admins.body.pagination).toMatchObject({ totalCount: 1, totalPages: 1 });
    const users = await http.get('/api/users?filter=role:user&limit=10');
    expect(users.body.pagination).toMatchObject({ totalCount: 29, totalPages: 3 });
    expect(users.body.data.every((user: ListedUser) => user.role === 'user')).toBe(true);
    expect(users.headers['link']).toBe(
      '</api/users?filter=role:user&limit=10&page=2>; rel="next", </api/users?filter=role:user&limit=10&page=3>; rel="last"',
    );
  });

  it('lists a user created through POST /api/users', async () => {
    const created = await http
      .post('/api/users')
      .send({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(created.status).toBe(201);
    const res = await http.get('/api/users');
    expect(res.status).toBe(200);
    expect(res.body.pagination).toMatchObject({ page: 1, limit: 20, totalCount: 3, totalPages: 1 });
    expect(res.body.data[2]).toEqual(created.body);
    expect(res.headers['x-total-count']).toBe('3');
  });

  it('revalidates a page with its ETag: 304 while unchanged, 200 once a user is added', async () => {
    const first = await http.get('/api/users?limit=5');
    expect(first.status).toBe(200);
    const etag = first.headers['etag'];
    expect(etag).toMatch(/^"[^"]+"$/);
    const same = await http.get('/api/users?limit=5').set('If-None-Match', etag);
    expect(same.status).toBe(304);
    expect(same.text).toBe('');
    await http.post('/api/users').send({ name: 'Ada', email: 'ada@example.com' });
    const changed = await http.get('/api/users?limit=5').set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers['x-total-count']).toBe('3');
  });

  it.each([
    ['page=0', 'page'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['page=abc', 'page'],
    ['filter=name:ada', 'filter'],
    ['filter=role', 'filter'],
    ['role=admin', 'role'],
    ['offset=20', 'offset'],
  ])('answers %s with 422 naming %s', async (query, field) => {
    const res = await http.get(`/api/users?${query}`);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: 'Unprocessable Content',
      message: `Validation Failed: ${field}.`,
      code: 'VALIDATION_FAILED',
      details: expect.arrayContaining([expect.objectContaining({ field })]),
      requestId: res.headers['x-request-id'],
    });
  });

  it('visits every user exactly once by following next from page 1', async () => {
    await seedUsers(97);
    const seen: number[] = [];
    let url: string | undefined = '/api/users?page=1&limit=15';
    while (url !== undefined) {
      const res = await http.get(url);
      expect(res.status).toBe(200);
      seen.push(...ids(res.body.data));
      url = parseLinks(res.headers['link']).next;
    }
    expect(seen).toEqual(range(1, 97));
  });

  it('lets the database count and slice: COUNT(*) and LIMIT/OFFSET, never the whole table', async () => {
    await seedUsers(97);
    const { db } = sample.app.get(SampleDatabase);
    const prepare = jest.spyOn(db, 'prepare');
    try {
      const res = await http.get('/api/users?page=3&limit=10');
      expect(ids(res.body.data)).toEqual(range(21, 30));
      const reads = prepare.mock.calls.map(([sql]) => sql.replace(/\s+/g, ' '));
      expect(reads).toHaveLength(2);
      expect(reads).toContainEqual(
        expect.stringMatching(/^SELECT COUNT\(\*\) AS count FROM users/),
      );
      expect(reads).toContainEqual(expect.stringMatching(/ORDER BY id LIMIT \? OFFSET \?$/));
    } finally {
      prepare.mockRestore();
    }
  });
});
