import request from 'supertest';
import { REQUEST_ID } from '../support/http-app';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

describe.each(SAMPLE_ADAPTERS)('sample users on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  beforeEach(async () => {
    sample = await startSample(adapter);
    http = request(sample.url);
  });
  afterEach(() => sample.close());

  it("creates a user: 201 + Location: /api/users/{id}, the guide's body", async () => {
    const res = await http
      .post('/api/users')
      .send({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/users/3');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(res.body).toEqual({
      id: 3,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      role: 'user',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const read = await http.get(res.headers.location);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it("answers malformed JSON with 400 and the guide's message", async () => {
    const res = await http
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .send('{ "name": "Ada", "email": }');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'Bad Request',
      message: 'Request body contains invalid JSON at position 26.',
      code: 'MALFORMED_JSON',
      requestId: res.headers['x-request-id'],
    });
  });

  it("answers the guide's invalid user with 422 and both fields in details", async () => {
    const res = await http.post('/api/users').send({ name: '', email: 'not-an-email' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: 'Unprocessable Content',
      message: 'Validation Failed: name, email.',
      code: 'VALIDATION_FAILED',
      details: [
        { field: 'name', message: 'Name is required and cannot be empty.', code: 'REQUIRED' },
        { field: 'email', message: 'Must be a valid email address.', code: 'INVALID_FORMAT' },
      ],
      requestId: res.headers['x-request-id'],
    });
  });

  it('answers a duplicate email with 409 and field: "email", from the unique constraint', async () => {
    await http.post('/api/users').send({ name: 'Ada', email: 'ada@example.com' }).expect(201);
    const res = await http.post('/api/users').send({ name: 'Ada', email: 'ada@example.com' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      error: 'Conflict',
      message: 'A user with email ada@example.com already exists.',
      code: 'EMAIL_TAKEN',
      field: 'email',
      requestId: res.headers['x-request-id'],
    });
  });

  it('reads a seeded user, and 404s an unknown or malformed id', async () => {
    const grace = await http.get('/api/users/2');
    expect(grace.status).toBe(200);
    expect(grace.body).toMatchObject({ id: 2, email: 'grace@example.com', role: 'user' });
    for (const id of ['999', 'abc', '0', '-1']) {
      const res = await http.get(`/api/users/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'Not Found', code: 'USER_NOT_FOUND' });
    }
  });

  it('updates a user with PUT: 200, 404, 409, 422', async () => {
    const ok = await http
      .put('/api/users/2')
      .send({ name: 'Grace B. Hopper', email: 'grace@example.com' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: 2, name: 'Grace B. Hopper' });
    expect(
      (await http.put('/api/users/99').send({ name: 'X', email: 'x@example.com' })).status,
    ).toBe(404);
    const taken = await http
      .put('/api/users/2')
      .send({ name: 'Grace', email: 'admin@example.com' });
    expect(taken.status).toBe(409);
    expect(taken.body.field).toBe('email');
    const invalid = await http.put('/api/users/2').send({ name: 'Grace' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.details).toEqual([
      { field: 'email', message: 'email is required.', code: 'REQUIRED' },
    ]);
    expect((await http.get('/api/users/2')).body.name).toBe('Grace B. Hopper');
  });

  it('answers an unknown path with 404 and a wrong method with 405 + Allow, in the envelope', async () => {
    const missing = await http.get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      error: 'Not Found',
      code: 'ROUTE_NOT_FOUND',
      requestId: missing.headers['x-request-id'],
    });
    const wrong = await http.patch('/api/users/2').send({});
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, HEAD, OPTIONS, PUT');
    expect(wrong.body).toMatchObject({
      error: 'Method Not Allowed',
      requestId: wrong.headers['x-request-id'],
    });
  });

  it('echoes a well-formed X-Request-Id', async () => {
    const res = await http.get('/api/users/1').set('X-Request-Id', 'trace-42');
    expect(res.headers['x-request-id']).toBe('trace-42');
  });
});

describe.each(SAMPLE_ADAPTERS)('sample with ERROR_FORMAT=problem on %s', (adapter) => {
  let sample: RunningSample;
  beforeAll(async () => {
    sample = await startSample(adapter, { errorFormat: 'problem' });
  });
  afterAll(() => sample.close());

  it('answers errors as application/problem+json', async () => {
    const res = await request(sample.url).post('/api/users').send({ name: 'Ada', email: 'nope' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({
      type: 'about:blank',
      title: 'Unprocessable Content',
      status: 422,
      errors: [
        { detail: 'Must be a valid email address.', pointer: '#/email', code: 'INVALID_FORMAT' },
      ],
    });
  });
});
