import request from 'supertest';
import { SampleDatabase } from '../../sample/database/sample-database';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/** 2^53 + 1 and a 16-digit id past 2^53: as numbers they round to 2^53 and 10^16. */
const UNSAFE_IDS = ['9007199254740993', '9007199254740992', '9999999999999999'];
const MAX_SAFE_ID = String(Number.MAX_SAFE_INTEGER);

describe.each(SAMPLE_ADAPTERS)('sample ids past Number.MAX_SAFE_INTEGER on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  let adminToken: string;
  beforeAll(async () => {
    sample = await startSample(adapter, { rateLimit: 1_000_000 });
    http = request(sample.url);
    adminToken = (
      await http
        .post('/api/auth/token')
        .send({ email: 'admin@example.com', password: 'admin-password' })
    ).body.accessToken;
    // Rows at 2^53, where a rounded 2^53 + 1 would land.
    const { db } = sample.app.get(SampleDatabase);
    db.exec(`
      INSERT INTO documents (id, title, body, version, updated_at)
        VALUES (9007199254740992, 'At 2^53', '', 1, '2026-01-01T00:00:00Z');
      INSERT INTO orders (id, status) VALUES (9007199254740992, 'pending');
      INSERT INTO repos (id, name, private, owner_id) VALUES (9007199254740992, 'at-2^53', 0, 1);
    `);
  });
  afterAll(() => sample.close());

  const admin = () => ({ Authorization: `Bearer ${adminToken}` });
  const routes: [string, (id: string) => request.Test, string][] = [
    ['GET /api/users/{id}', (id) => http.get(`/api/users/${id}`), 'USER_NOT_FOUND'],
    [
      'PUT /api/users/{id}',
      (id) => http.put(`/api/users/${id}`).send({ name: 'X', email: 'x@example.com' }),
      'USER_NOT_FOUND',
    ],
    [
      'DELETE /api/admin/users/{id}',
      (id) => http.delete(`/api/admin/users/${id}`).set(admin()),
      'USER_NOT_FOUND',
    ],
    ['GET /api/documents/{id}', (id) => http.get(`/api/documents/${id}`), 'DOCUMENT_NOT_FOUND'],
    [
      'PUT /api/documents/{id} (upsert)',
      (id) => http.put(`/api/documents/${id}`).send({ title: 'Never' }),
      'DOCUMENT_NOT_FOUND',
    ],
    [
      'PUT /api/documents/{id} with If-None-Match: *',
      (id) => http.put(`/api/documents/${id}`).set('If-None-Match', '*').send({ title: 'Never' }),
      'DOCUMENT_NOT_FOUND',
    ],
    [
      'PATCH /api/documents/{id}',
      (id) => http.patch(`/api/documents/${id}`).send({ title: 'Never' }),
      'DOCUMENT_NOT_FOUND',
    ],
    [
      'DELETE /api/documents/{id}',
      (id) => http.delete(`/api/documents/${id}`),
      'DOCUMENT_NOT_FOUND',
    ],
    [
      'POST /api/orders/{id}/cancel',
      (id) => http.post(`/api/orders/${id}/cancel`),
      'ORDER_NOT_FOUND',
    ],
    ['GET /api/repos/{id}', (id) => http.get(`/api/repos/${id}`).set(admin()), 'REPO_NOT_FOUND'],
  ];

  describe.each(routes)('%s', (_route, send, code) => {
    it.each(UNSAFE_IDS)('%s → 404, touching no row', async (id) => {
      const res = await send(id);
      expect([res.status, res.body.code]).toEqual([404, code]);
    });
  });

  it('the rows at 2^53 were neither read nor changed through a rounded id', async () => {
    const { db } = sample.app.get(SampleDatabase);
    expect(
      db.prepare('SELECT title, version FROM documents WHERE id = 9007199254740992').get(),
    ).toEqual({
      title: 'At 2^53',
      version: 1,
    });
    expect(db.prepare('SELECT status FROM orders WHERE id = 9007199254740992').get()).toEqual({
      status: 'pending',
    });
    expect(
      db.prepare('SELECT COUNT(*) AS n FROM documents WHERE id > 9007199254740991').get(),
    ).toEqual({ n: 1 });
  });

  it('Number.MAX_SAFE_INTEGER is an id like any other: PUT creates it, its Location reads it', async () => {
    const created = await http.put(`/api/documents/${MAX_SAFE_ID}`).send({ title: 'Edge' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/documents/${MAX_SAFE_ID}`);
    expect(created.body.id).toBe(Number.MAX_SAFE_INTEGER);
    const read = await http.get(created.headers.location);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });
});
