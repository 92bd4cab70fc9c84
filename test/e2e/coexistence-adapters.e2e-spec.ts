import request from 'supertest';
import { StatusModule } from '../../lib';
import { REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  ItemsController,
  MyExpressAdapter,
  MyFastifyAdapter,
} from './fixtures/coexistence.fixture';

type Http = ReturnType<typeof request>;

const ITEM = { id: '1', name: 'one', version: 1 };

/** Our envelope, with a request id that is also the `X-Request-Id` header. */
function expectEnvelope(res: request.Response, status: number, error: string, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.body).toMatchObject({ error, code, message: expect.any(String) });
  expect(res.body.requestId).toMatch(REQUEST_ID);
  expect(res.headers['x-request-id']).toBe(res.body.requestId);
}

describe.each([
  ['express', () => new MyExpressAdapter()],
  ['fastify', () => new MyFastifyAdapter()],
] as const)('a subclassed adapter overriding reply on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let adapter: MyExpressAdapter | MyFastifyAdapter;
  let http: Http;

  beforeAll(async () => {
    running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [ItemsController] },
      () => (adapter = makeAdapter()),
    );
    http = request(running.url);
  });
  afterAll(() => running.close());

  /** Sends a request, checking the override ran exactly once for it and added its header. */
  async function viaOverride(send: () => request.Test): Promise<request.Response> {
    const before = adapter.replies;
    const res = await send();
    expect(adapter.replies).toBe(before + 1);
    expect(res.headers['x-served-by']).toBe('my-adapter');
    return res;
  }

  it('200 with its ETag, then 304 to that tag', async () => {
    const res = await viaOverride(() => http.get('/items/1'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.etag).toMatch(/^"\d+-\d+"$/);
    expect(res.body).toEqual(ITEM);
    const again = await viaOverride(() =>
      http.get('/items/1').set('If-None-Match', res.headers.etag),
    );
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(res.headers.etag);
    // The tagged JSON was serialized once, to be hashed: the override is handed that text.
    expect(adapter.bodies.slice(-2)).toEqual([JSON.stringify(ITEM), undefined]);
  });

  it('201 with its Location', async () => {
    const res = await viaOverride(() => http.post('/items').send({ name: 'new' }));
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/items/${res.body.id}`);
    expect(res.body).toEqual({ id: expect.any(String), name: 'new', version: 1 });
    // Not a tagged GET: handed the handler's object as it is.
    expect(adapter.bodies.at(-1)).toEqual(res.body);
  });

  it.each([
    ['a null GET', (h: Http) => h.get('/items/9'), 404, 'Not Found', 'NOT_FOUND'],
    ['a domain error', (h: Http) => h.get('/items/1/locked'), 409, 'Conflict', 'ITEM_LOCKED'],
    [
      'a 412 on a plain GET',
      (h: Http) => h.get('/items/1').set('If-Match', '"stale"'),
      412,
      'Precondition Failed',
      'PRECONDITION_FAILED',
    ],
    [
      'a validation 422',
      (h: Http) => h.post('/items').send({ name: 5 }),
      422,
      'Unprocessable Content',
      'VALIDATION_FAILED',
    ],
    [
      'malformed JSON',
      (h: Http) => h.post('/items').set('Content-Type', 'application/json').send('{"name":'),
      400,
      'Bad Request',
      'MALFORMED_JSON',
    ],
    [
      'an unsupported media type',
      (h: Http) => h.post('/items').set('Content-Type', 'text/plain').send('name'),
      415,
      'Unsupported Media Type',
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['an unknown route', (h: Http) => h.get('/nope'), 404, 'Not Found', 'ROUTE_NOT_FOUND'],
    [
      'a wrong method',
      (h: Http) => h.delete('/items/1'),
      405,
      'Method Not Allowed',
      'METHOD_NOT_ALLOWED',
    ],
  ] as const)('%s in our envelope', async (_what, send, status, error, code) => {
    const res = await viaOverride(() => send(http));
    expectEnvelope(res, status, error, code);
    // Errors are handed over as our envelope, already serialized.
    expect(adapter.bodies.at(-1)).toBe(res.text);
  });

  it('204 for an undefined result, handed no body', async () => {
    const res = await viaOverride(() => http.put('/items/1/touch'));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(adapter.bodies.at(-1)).toBeUndefined();
  });

  it('OPTIONS with its Allow', async () => {
    const res = await viaOverride(() => http.options('/items/1'));
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.text).toBe('');
  });
});
