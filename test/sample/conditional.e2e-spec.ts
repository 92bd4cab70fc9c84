import request from 'supertest';
import { REQUEST_ID } from '../support/http-app';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const HTTP_DATE = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/;

describe.each(SAMPLE_ADAPTERS)('sample documents and orders on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  beforeEach(async () => {
    sample = await startSample(adapter);
    http = request(sample.url);
  });
  afterEach(() => sample.close());

  it('reads document 42 at version 5 with ETag "v5" and Last-Modified, then 304', async () => {
    const res = await http.get('/api/documents/42');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v5"');
    expect(res.headers['last-modified']).toMatch(HTTP_DATE);
    expect(res.body).toEqual({
      id: 42,
      title: 'Design notes',
      body: 'How the status codes are chosen.',
      version: 5,
      updatedAt: expect.stringMatching(ISO_SECONDS),
    });
    expect(new Date(res.headers['last-modified']).toISOString()).toBe(
      res.body.updatedAt.replace('Z', '.000Z'),
    );

    const byTag = await http.get('/api/documents/42').set('If-None-Match', '"v5"');
    expect(byTag.status).toBe(304);
    expect(byTag.text ?? '').toBe('');
    expect(byTag.headers.etag).toBe('"v5"');
    const byDate = await http
      .get('/api/documents/42')
      .set('If-Modified-Since', res.headers['last-modified']);
    expect(byDate.status).toBe(304);
    expect((await http.get('/api/documents/7')).status).toBe(404);
  });

  it("answers the guide's stale If-Match exchange with 409 and leaves the document alone", async () => {
    const res = await http
      .put('/api/documents/42')
      .set('If-Match', '"v3"')
      .send({ title: 'Updated Title' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      error: 'Conflict',
      message: 'Resource was modified. Current version is v5.',
      code: 'VERSION_MISMATCH',
      currentVersion: 'v5',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    const after = await http.get('/api/documents/42');
    expect(after.headers.etag).toBe('"v5"');
    expect(after.body.title).toBe('Design notes');
  });

  it('updates with the current ETag: 200 and ETag "v6"', async () => {
    const res = await http
      .put('/api/documents/42')
      .set('If-Match', '"v5"')
      .send({ title: 'Updated Title', body: 'New body.' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v6"');
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toMatchObject({
      id: 42,
      title: 'Updated Title',
      body: 'New body.',
      version: 6,
    });
  });

  it('creates a document by PUT: 201 + Location + ETag "v1"', async () => {
    const res = await http.put('/api/documents/7').send({ title: 'Fresh' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/documents/7');
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toEqual({
      id: 7,
      title: 'Fresh',
      body: '',
      version: 1,
      updatedAt: expect.stringMatching(ISO_SECONDS),
    });
    const again = await http.put('/api/documents/7').set('If-None-Match', '*').send({ title: 'x' });
    expect(again.status).toBe(409);
    expect(again.body.currentVersion).toBe('v1');
  });

  it('validates a PUT with 422, after the precondition (a stale one is a 409)', async () => {
    const res = await http.put('/api/documents/42').set('If-Match', '"v5"').send({ title: '' });
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([
      { field: 'title', message: 'Title is required and cannot be empty.', code: 'REQUIRED' },
    ]);
    const stale = await http.put('/api/documents/42').set('If-Match', '"v3"').send({ title: '' });
    expect(stale.status).toBe(409);
  });

  it('patches with 204 + the new ETag; 409 when stale; 404 when missing; 422', async () => {
    const stale = await http.patch('/api/documents/42').set('If-Match', '"v4"').send({ body: 'x' });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe('v5');
    const res = await http.patch('/api/documents/42').set('If-Match', '"v5"').send({ body: 'x' });
    expect(res.status).toBe(204);
    expect(res.text ?? '').toBe('');
    expect(res.headers.etag).toBe('"v6"');
    expect((await http.get('/api/documents/42')).body).toMatchObject({
      title: 'Design notes',
      body: 'x',
      version: 6,
    });
    const missing = await http
      .patch('/api/documents/7')
      .set('If-Match', '"v1"')
      .send({ body: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Document 7 was not found.');
    const invalid = await http.patch('/api/documents/42').send({ title: 5 });
    expect(invalid.status).toBe(422);
  });

  it('deletes with 204, then 404', async () => {
    const res = await http.delete('/api/documents/42');
    expect(res.status).toBe(204);
    expect(res.text ?? '').toBe('');
    const again = await http.delete('/api/documents/42');
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({
      code: 'DOCUMENT_NOT_FOUND',
      message: 'Document 42 was not found.',
    });
    expect((await http.get('/api/documents/42')).status).toBe(404);
  });

  it('tags GET /api/users/{id} with its version and answers 304 to that ETag', async () => {
    const res = await http.get('/api/users/1');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toEqual({
      id: 1,
      name: 'Admin',
      email: 'admin@example.com',
      role: 'admin',
      createdAt: expect.stringMatching(ISO_SECONDS),
    });
    const again = await http.get('/api/users/1').set('If-None-Match', '"v1"');
    expect(again.status).toBe(304);
    const changed = await http
      .put('/api/users/1')
      .send({ name: 'Admin Two', email: 'admin@example.com' });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).toBe('"v2"');
    const after = await http.get('/api/users/1').set('If-None-Match', '"v1"');
    expect(after.status).toBe(200);
    expect(after.headers.etag).toBe('"v2"');
  });

  it('guards PUT /api/users/{id} with If-Match: a stale tag → 409 { currentVersion }, user unchanged', async () => {
    const stale = await http
      .put('/api/users/2')
      .set('If-Match', '"x"')
      .send({ name: 'Overwritten', email: 'over@example.com' });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({
      error: 'Conflict',
      message: 'Resource was modified. Current version is v1.',
      code: 'VERSION_MISMATCH',
      currentVersion: 'v1',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    const unchanged = await http.get('/api/users/2');
    expect(unchanged.headers.etag).toBe('"v1"');
    expect(unchanged.body).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });

    const current = await http
      .put('/api/users/2')
      .set('If-Match', unchanged.headers.etag)
      .send({ name: 'Grace B. Hopper', email: 'grace@example.com' });
    expect(current.status).toBe(200);
    expect(current.headers.etag).toBe('"v2"');
    expect(current.body).toEqual({ ...unchanged.body, name: 'Grace B. Hopper' });

    const replayed = await http
      .put('/api/users/2')
      .set('If-Match', unchanged.headers.etag)
      .send({ name: 'Grace', email: 'grace@example.com' });
    expect(replayed.status).toBe(409);
    expect(replayed.body.currentVersion).toBe('v2');
    expect((await http.get('/api/users/2')).body.name).toBe('Grace B. Hopper');

    // No If-Match: no precondition, the write happens (the sample does not require one).
    const blind = await http
      .put('/api/users/2')
      .send({ name: 'Grace', email: 'grace@example.com' });
    expect(blind.status).toBe(200);
    expect(blind.headers.etag).toBe('"v3"');
    // A missing user is a 404 before any precondition (RFC 9110 13.2.1).
    const missing = await http
      .put('/api/users/99')
      .set('If-Match', '"v1"')
      .send({ name: 'X', email: 'x@example.com' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('USER_NOT_FOUND');
  });

  it('cancels a pending order (200), refuses a shipped one (409), 404 for none', async () => {
    const ok = await http.post('/api/orders/2/cancel');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: 2, status: 'cancelled' });
    const shipped = await http.post('/api/orders/1/cancel');
    expect(shipped.status).toBe(409);
    expect(shipped.body).toEqual({
      error: 'Conflict',
      message: 'Order 1 cannot be cancelled because it has already been shipped.',
      code: 'INVALID_STATE_TRANSITION',
      from: 'shipped',
      to: 'cancelled',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    const missing = await http.post('/api/orders/99/cancel');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Order 99 was not found.');
  });
});
