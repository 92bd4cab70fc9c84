import request from 'supertest';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/** Path ids a client may send that are no id the API could have issued, with how they decode. */
const RAW_IDS: [string, string][] = [
  ['%00', '\u0000'],
  ['%0A', '\n'],
  ['%E2%80%AE', '\u202e'],
  ['%3Cb%3Ehi%3C%2Fb%3E', '<b>hi</b>'],
  ['x'.repeat(5000), 'x'.repeat(5000)],
];

describe.each(SAMPLE_ADAPTERS)('sample 404 messages on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    sample = await startSample(adapter, { rateLimit: 1_000_000 });
    http = request(sample.url);
    for (const [name, password] of [
      ['admin', 'admin-password'],
      ['grace', 'grace-password'],
    ]) {
      const res = await http
        .post('/api/auth/token')
        .send({ email: `${name}@example.com`, password });
      tokens[name] = res.body.accessToken;
    }
  });
  afterAll(() => sample.close());

  const as = (name: string) => ({ Authorization: `Bearer ${tokens[name]}` });
  const routes: [string, (id: string) => request.Test, string][] = [
    ['GET /api/users/{id}', (id) => http.get(`/api/users/${id}`), 'The user was not found.'],
    [
      'PUT /api/users/{id}',
      (id) => http.put(`/api/users/${id}`).send({ name: 'X', email: 'x@example.com' }),
      'The user was not found.',
    ],
    [
      'DELETE /api/admin/users/{id}',
      (id) => http.delete(`/api/admin/users/${id}`).set(as('admin')),
      'The user was not found.',
    ],
    [
      'GET /api/documents/{id}',
      (id) => http.get(`/api/documents/${id}`),
      'The document was not found.',
    ],
    [
      'PUT /api/documents/{id}',
      (id) => http.put(`/api/documents/${id}`).send({ title: 'T' }),
      'The document was not found.',
    ],
    [
      'PATCH /api/documents/{id} with If-Match',
      (id) => http.patch(`/api/documents/${id}`).set('If-Match', '"v1"').send({ title: 'T' }),
      'The document was not found.',
    ],
    [
      'DELETE /api/documents/{id}',
      (id) => http.delete(`/api/documents/${id}`),
      'The document was not found.',
    ],
    [
      'POST /api/orders/{id}/cancel',
      (id) => http.post(`/api/orders/${id}/cancel`),
      'The order was not found.',
    ],
    ['GET /api/reports/{id}', (id) => http.get(`/api/reports/${id}`), 'The report was not found.'],
    [
      'GET /api/repos/{id}',
      (id) => http.get(`/api/repos/${id}`).set(as('grace')),
      'Repository not found.',
    ],
  ];

  describe.each(routes)('%s', (_route, send, message) => {
    it.each(RAW_IDS)('%.12s… is not echoed back', async (raw, decoded) => {
      const res = await send(raw);
      // A parameter over 100 characters is refused before the handler (414) on both adapters.
      const tooLong = raw.length > 100;
      expect(res.status).toBe(tooLong ? 414 : 404);
      if (!tooLong) expect(res.body.message).toBe(message);
      expect(res.text).not.toContain(JSON.stringify(decoded).slice(1, -1));
      expect(res.text).not.toContain('x'.repeat(100));
    });
  });

  it('echoes an id that the API could have issued', async () => {
    const messages = async (path: string) => (await http.get(path)).body.message;
    expect(await messages('/api/users/999')).toBe('User 999 was not found.');
    expect(await messages('/api/documents/9007199254740991')).toBe(
      'Document 9007199254740991 was not found.',
    );
    expect((await http.post('/api/orders/99/cancel')).body.message).toBe('Order 99 was not found.');
    expect(await messages('/api/reports/rpt_abc-123')).toBe('Report rpt_abc-123 was not found.');
  });

  it('but not one it could not: not an integer, past 2^53, a token over 64 characters', async () => {
    const messages = async (path: string) => (await http.get(path)).body.message;
    expect(await messages('/api/users/abc')).toBe('The user was not found.');
    expect(await messages('/api/users/007')).toBe('The user was not found.');
    expect(await messages('/api/documents/9007199254740993')).toBe('The document was not found.');
    expect(await messages(`/api/reports/${'a'.repeat(65)}`)).toBe('The report was not found.');
  });

  it("a repo with a raw id reads exactly as another's private one and a missing one", async () => {
    const bodies = await Promise.all(
      ['%00', '2', '999'].map(async (id) => {
        const res = await http.get(`/api/repos/${id}`).set(as('grace'));
        return [res.status, res.text.replace(res.body.requestId, '')];
      }),
    );
    expect(bodies[0][0]).toBe(404);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });
});
