import request from 'supertest';
import { ContractRecorder } from '../../lib/openapi';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/**
 * sample-api.md, route by route: the statuses it gives each route and the headers it names, which
 * `GET /openapi.json` must document (besides the "everywhere" ones checked below).
 */
const CONTRACT: [string, string, Record<number, string[]>][] = [
  ['post', '/api/auth/token', { 200: [], 400: [], 422: [], 401: ['WWW-Authenticate'] }],
  ['get', '/api/profile', { 200: [], 401: ['WWW-Authenticate'] }],
  ['post', '/api/users', { 201: ['Location'], 400: [], 422: [], 409: [] }],
  ['get', '/api/users', { 200: ['Link', 'X-Total-Count'], 422: [] }],
  ['get', '/api/users/{id}', { 200: ['ETag'], 304: [], 404: [] }],
  ['put', '/api/users/{id}', { 200: [], 404: [], 409: [], 422: [] }],
  ['delete', '/api/admin/users/{id}', { 204: [], 401: ['WWW-Authenticate'], 403: [], 404: [] }],
  ['get', '/api/documents/{id}', { 200: ['ETag', 'Last-Modified'], 304: [], 404: [] }],
  ['put', '/api/documents/{id}', { 200: ['ETag'], 201: ['Location'], 409: [], 422: [] }],
  ['patch', '/api/documents/{id}', { 204: ['ETag'], 404: [], 409: [], 422: [] }],
  ['delete', '/api/documents/{id}', { 204: [], 404: [] }],
  ['post', '/api/reports', { 202: ['Location'], 400: [], 422: [] }],
  ['get', '/api/reports/jobs/{jobId}', { 200: ['Retry-After'], 303: ['Location'], 404: [] }],
  ['get', '/api/reports/{id}', { 200: [], 404: [] }],
  ['post', '/api/orders/{id}/cancel', { 200: [], 409: [], 404: [] }],
  ['get', '/api/repos/{id}', { 200: [], 401: ['WWW-Authenticate'], 404: [] }],
];

const RATE_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

type Doc = { paths: Record<string, Record<string, any>>; components: any };

describe.each(SAMPLE_ADAPTERS)('the sample OpenAPI document on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  let doc: Doc;
  beforeAll(async () => {
    sample = await startSample(adapter);
    http = request(sample.url);
    const res = await http.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = JSON.parse(res.text);
  });
  afterAll(() => sample.close());

  it('documents every route of the contract, no more', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(CONTRACT.map(([m, p]) => `${m} ${p}`).sort());
  });

  it.each(CONTRACT)('%s %s: the contract statuses and headers', (method, path, expected) => {
    const responses = doc.paths[path][method].responses;
    for (const [status, headers] of Object.entries(expected)) {
      expect({ status, response: responses[status] !== undefined }).toEqual({
        status,
        response: true,
      });
      expect(Object.keys(responses[status].headers)).toEqual(expect.arrayContaining(headers));
    }
  });

  it('everywhere: X-Request-Id on every response, 429 + Retry-After + X-RateLimit-*, 503 + Retry-After, 500', () => {
    for (const [, path] of CONTRACT) {
      for (const operation of Object.values(doc.paths[path])) {
        for (const [status, response] of Object.entries<any>(operation.responses)) {
          expect({ status, id: response.headers['X-Request-Id']?.required }).toEqual({
            status,
            id: true,
          });
          // The throttler counts every request first: its headers are on every answer.
          expect(Object.keys(response.headers)).toEqual(expect.arrayContaining(RATE_HEADERS));
        }
        const tooMany = operation.responses['429'];
        expect(tooMany.headers['Retry-After'].required).toBe(true);
        for (const name of RATE_HEADERS) expect(tooMany.headers[name].required).toBe(true);
        expect(
          tooMany.content['application/json'].schema.allOf[1].properties.retryAfter,
        ).toBeDefined();
        expect(operation.responses['503'].headers['Retry-After'].required).toBe(true);
        expect(operation.responses['500']).toBeDefined();
      }
    }
  });

  it('derives what no decorator names: 422 and page/limit from PageQuery, 401 from the auth options', () => {
    const list = doc.paths['/api/users'].get;
    const query = list.parameters.filter((p: any) => p.in === 'query').map((p: any) => p.name);
    expect(query).toEqual(expect.arrayContaining(['page', 'limit', 'filter']));
    expect(list.responses['422'].description).toMatch(/OUT_OF_RANGE/);
    // Public by the sample's auth options (`defaultAccess: 'public'`): no 401 where none is sent.
    expect(doc.paths['/api/users/{id}'].get.responses['401']).toBeUndefined();
    expect(doc.paths['/api/profile'].get.security).toEqual([{ bearer: [] }]);
    // 204 for a DELETE, not swagger's 200.
    expect(doc.paths['/api/documents/{id}'].delete.responses['200']).toBeUndefined();
  });

  it('documents the domain errors @Throws names, with their code and extra members', () => {
    const taken = doc.paths['/api/users'].post.responses['409'];
    expect(taken.description).toMatch(/EMAIL_TAKEN/);
    expect(taken.content['application/json'].schema.allOf[1].properties.field).toEqual({
      type: 'string',
      maxLength: 2048,
    });
    const stale = doc.paths['/api/documents/{id}'].put.responses['409'];
    expect(
      stale.content['application/json'].schema.allOf[1].properties.currentVersion,
    ).toBeDefined();
    const shipped = doc.paths['/api/orders/{id}/cancel'].post.responses['409'];
    expect(shipped.description).toMatch(/INVALID_STATE_TRANSITION/);
  });

  it('gives /openapi.json, /docs and its assets the X-Request-Id of every answer', async () => {
    for (const path of ['/openapi.json', '/docs', '/docs/swagger-ui-bundle.js']) {
      const res = await http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect({ path, id: res.headers['x-request-id'] }).toEqual({
        path,
        id: expect.stringMatching(/^req_[0-9a-f]{32}$/),
      });
    }
    // The caller's own well-formed id comes back, as on every other route.
    const traced = await http.get('/openapi.json').set('X-Request-Id', 'trace-42');
    expect(traced.headers['x-request-id']).toBe('trace-42');
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await http.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('swagger-ui');
    const bundle = await http.get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
  });
});

describe.each(SAMPLE_ADAPTERS)('error schemas per format on %s', (adapter) => {
  /** The answers of each error the sample gives, in one format. */
  async function errorsIn(format: 'envelope' | 'problem') {
    const sample = await startSample(adapter, { errorFormat: format });
    const contract = ContractRecorder.attach(sample.app);
    const http = request(sample.url);
    await http.get('/api/users/999').expect(404);
    await http.post('/api/users').send({ name: '', email: 'x' }).expect(422);
    await http.post('/api/users').send({ name: 'A', email: 'admin@example.com' }).expect(409);
    await http.get('/api/profile').expect(401);
    await http.post('/api/orders/1/cancel').expect(409);
    const doc = JSON.parse((await http.get('/openapi.json')).text);
    await sample.close();
    contract.detach();
    return { contract, doc };
  }

  it.each(['envelope', 'problem'] as const)(
    '%s: the document matches what the app sends, and the other format does not',
    async (format) => {
      const own = await errorsIn(format);
      const other = await errorsIn(format === 'problem' ? 'envelope' : 'problem');
      const media = format === 'problem' ? 'application/problem+json' : 'application/json';
      expect(Object.keys(own.doc.paths['/api/users'].post.responses['422'].content)).toEqual([
        media,
      ]);
      expect(own.contract.problems(own.doc)).toEqual([]);
      // The same exchanges against the other format's document: every error breaks it.
      expect(own.contract.problems(other.doc)).toHaveLength(5);
    },
  );
});

describe('the contract check', () => {
  it('fails on a status the document does not give the operation', async () => {
    const sample = await startSample('express');
    const contract = ContractRecorder.attach(sample.app);
    const http = request(sample.url);
    await http.get('/api/users/999').expect(404);
    const doc = JSON.parse((await http.get('/openapi.json')).text);
    await sample.close();
    expect(contract.problems(doc)).toEqual([]);
    const notFound = doc.paths['/api/users/{id}'].get.responses['404'];
    delete doc.paths['/api/users/{id}'].get.responses['404'];
    expect(contract.problems(doc)).toEqual([
      'GET /api/users/999 → 404: status not documented for this operation',
    ]);
    doc.paths['/api/users/{id}'].get.responses['404'] = {
      ...notFound,
      headers: { ...notFound.headers, 'X-Trace': { required: true, schema: { type: 'string' } } },
    };
    expect(contract.problems(doc)).toEqual([
      'GET /api/users/999 → 404: required header X-Trace missing',
    ]);
  });

  it('judges a path by the operation the router gave it, where the validator would pick another', async () => {
    // The router gives `/api/users/,` to `GET /api/users/{id}` (a user named ","), while the
    // validator alone takes it for another path: found by the fuzz tests.
    const sample = await startSample('fastify');
    const contract = ContractRecorder.attach(sample.app);
    const http = request(sample.url);
    await http.get('/api/users/,').expect(404);
    await http.get('/api/users/,?page=-1').expect(404);
    const doc = JSON.parse((await http.get('/openapi.json')).text);
    await sample.close();
    expect(contract.problems(doc)).toEqual([]);
    delete doc.paths['/api/users/{id}'].get.responses['404'];
    expect(contract.problems(doc)).toEqual([
      'GET /api/users/, → 404: status not documented for this operation',
      'GET /api/users/,?page=-1 → 404: status not documented for this operation',
    ]);
  });
});
