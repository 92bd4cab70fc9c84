import type { INestApplication } from '@nestjs/common';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import * as classTransformer from 'class-transformer';
import request from 'supertest';
import { StatusModule, StatusModuleOptions } from '../../lib';
import { AdapterName, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import { getOwnConnection, postOwnConnection, widestObject } from '../support/own-connection';
import { NotesController } from './fixtures/body-limits.fixture';

/** Room for the largest bodies below (the 100,000-key one is 1.4 MB), on both adapters alike. */
const BODY_BYTES = 2 * 1024 * 1024;

const LIMITED_ADAPTERS: ReadonlyArray<
  readonly [AdapterName, () => ExpressAdapter | FastifyAdapter]
> = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter({ bodyLimit: BODY_BYTES })],
];

function startNotes(
  makeAdapter: () => ExpressAdapter | FastifyAdapter,
  options: StatusModuleOptions = {},
): Promise<RunningApp> {
  return startApp(
    { imports: [StatusModule.forRoot(options)], controllers: [NotesController] },
    makeAdapter,
    (app: INestApplication) => {
      if (app.getHttpAdapter().getType() === 'express') {
        (app as NestExpressApplication).useBodyParser('json', { limit: BODY_BYTES });
      }
    },
  );
}

/** An object of `count` keys `k0`..`k<count-1>`. */
function keys(count: number): Record<string, number> {
  const object: Record<string, number> = {};
  for (let i = 0; i < count; i++) object[`k${i}`] = i;
  return object;
}

/** `levels` nested objects, `{ a: { a: ... { a: 1 } } }`. */
function nested(levels: number): object {
  let node: object = { a: 1 };
  for (let level = 1; level < levels; level++) node = { a: node };
  return node;
}

/** The envelope of a 413 for `message`. */
const tooComplex = (message: string) => ({
  error: 'Content Too Large',
  code: 'BODY_TOO_COMPLEX',
  message,
  requestId: expect.stringMatching(REQUEST_ID),
});

describe.each(LIMITED_ADAPTERS)('body limits (defaults) on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    running = await startNotes(makeAdapter);
    http = request(running.url);
  });
  afterAll(() => running.close());

  it('answers 100,000 keys with 413 in the envelope, never echoing the body', async () => {
    const res = await http.post('/notes').send(keys(100_000));
    expect(res.status).toBe(413);
    expect(res.body).toEqual(
      tooComplex(
        'The body has an object with more than 1000 keys at the top level (limit maxKeys). ' +
          'Send fewer keys, or raise limits.body.maxKeys.',
      ),
    );
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
    expect(res.text).not.toContain('k99');
  });

  it('refuses 100,000 keys before class-transformer sees them; a GET sent right after is answered', async () => {
    const transform = jest.spyOn(classTransformer, 'plainToInstance');
    try {
      const big = postOwnConnection(running.url, '/notes', JSON.stringify(keys(100_000)));
      await big.sent;
      const [refused, read] = await Promise.all([
        big.answer,
        getOwnConnection(running.url, '/notes/1'),
      ]);
      expect([refused.status, refused.body.code]).toEqual([413, 'BODY_TOO_COMPLEX']);
      expect([read.status, read.body]).toEqual([200, { id: '1' }]);
      // What keeps the server free: the step quadratic in an object's keys never got this one.
      expect(widestObject(transform.mock.calls)).toBeLessThanOrEqual(1000);
    } finally {
      transform.mockRestore();
    }
  });

  it('maxKeys: an object of 1000 keys passes, 1001 is 413 naming /meta', async () => {
    const at = await http.post('/notes').send({ title: 't', meta: keys(1000) });
    expect([at.status, at.body.meta]).toEqual([201, 1000]);
    const over = await http.post('/notes').send({ title: 't', meta: keys(1001) });
    expect(over.status).toBe(413);
    expect(over.body).toEqual(
      tooComplex(
        'The body has an object with more than 1000 keys at /meta (limit maxKeys). ' +
          'Send fewer keys, or raise limits.body.maxKeys.',
      ),
    );
  });

  it('maxArrayLength: 10,000 elements pass, 10,001 is 413 naming /tags', async () => {
    const at = await http.post('/notes').send({ title: 't', tags: new Array(10_000).fill(0) });
    expect([at.status, at.body.tags]).toEqual([201, 10_000]);
    const over = await http.post('/notes').send({ title: 't', tags: new Array(10_001).fill(0) });
    expect(over.status).toBe(413);
    expect(over.body).toEqual(
      tooComplex(
        'The body has an array with more than 10000 elements at /tags (limit maxArrayLength). ' +
          'Send fewer elements, or raise limits.body.maxArrayLength.',
      ),
    );
  });

  it('maxNodes: 20,000 values in all pass, 20,001 is 413', async () => {
    // 1 (the body) + 3 (its keys) + 10,000 + 9,996 elements = 20,000 values.
    const body = (more: number) => ({
      title: 't',
      tags: new Array(10_000).fill(0),
      more: new Array(more).fill(0),
    });
    const at = await http.post('/notes').send(body(9_996));
    expect([at.status, at.body.more]).toEqual([201, 9_996]);
    const over = await http.post('/notes').send(body(9_997));
    expect(over.status).toBe(413);
    expect(over.body).toEqual(
      tooComplex(
        'The body has more than 20000 values in all; the count passed the limit at /tags ' +
          '(limit maxNodes). Send a smaller body, or raise limits.body.maxNodes.',
      ),
    );
  });

  it('maxStringLength: 1,048,576 characters pass, one more is 413 naming /text', async () => {
    const at = await http.post('/notes').send({ title: 't', text: 'x'.repeat(1_048_576) });
    expect([at.status, at.body.text]).toEqual([201, 1_048_576]);
    const over = await http.post('/notes').send({ title: 't', text: 'x'.repeat(1_048_577) });
    expect(over.status).toBe(413);
    expect(over.body).toEqual(
      tooComplex(
        'The body has a string longer than 1048576 characters at /text (limit maxStringLength). ' +
          'Send a shorter string, or raise limits.body.maxStringLength.',
      ),
    );
    expect(over.text.length).toBeLessThan(1000);
  });

  it('maxDepth: 32 levels pass, 33 is 413 naming where the 33rd starts', async () => {
    // The body is level 1, `meta` level 2: 31 levels in it make 32.
    const at = await http.post('/notes').send({ title: 't', meta: nested(31) });
    expect(at.status).toBe(201);
    const over = await http.post('/notes').send({ title: 't', meta: nested(32) });
    expect(over.status).toBe(413);
    expect(over.body).toEqual(
      tooComplex(
        `The body is nested more than 32 levels deep at /meta${'/a'.repeat(31)} ` +
          '(limit maxDepth). Send a flatter body, or raise limits.body.maxDepth.',
      ),
    );
  });

  it('walks only the part bound to the DTO, and names it from the body', async () => {
    const at = await http.post('/notes/wrapped').send({ note: { title: 't', meta: keys(1000) } });
    expect([at.status, at.body.meta]).toEqual([201, 1000]);
    const over = await http.post('/notes/wrapped').send({ note: { title: 't', meta: keys(1001) } });
    expect(over.status).toBe(413);
    expect(over.body.message).toMatch(
      /^The body has an object with more than 1000 keys at \/note\/meta /,
    );
  });
});

describe.each(LIMITED_ADAPTERS)('body limits (configured) on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    running = await startNotes(makeAdapter, {
      limits: {
        body: { maxKeys: 6, maxArrayLength: 3, maxStringLength: 10, maxNodes: 12, maxDepth: 3 },
      },
    });
    http = request(running.url);
  });
  afterAll(() => running.close());

  it('takes each limit from bodyLimits: at the limit passes, one over is 413', async () => {
    const cases: [object, object, string][] = [
      [{ title: 't', meta: keys(6) }, { title: 't', meta: keys(7) }, 'maxKeys'],
      [{ title: 't', tags: [1, 2, 3] }, { title: 't', tags: [1, 2, 3, 4] }, 'maxArrayLength'],
      [{ title: 'ten chars!' }, { title: 'eleven char' }, 'maxStringLength'],
      // 1 + 3 keys + 3 + 5 = 12 values; one more is 13.
      [
        { title: 't', tags: [1, 2, 3], meta: keys(5) },
        { title: 't', tags: [1, 2, 3], meta: keys(6) },
        'maxNodes',
      ],
      [{ title: 't', meta: { a: { b: 1 } } }, { title: 't', meta: { a: { b: {} } } }, 'maxDepth'],
    ];
    for (const [at, over, limit] of cases) {
      expect([limit, (await http.post('/notes').send(at)).status]).toEqual([limit, 201]);
      const refused = await http.post('/notes').send(over);
      expect([limit, refused.status, refused.body.code]).toEqual([limit, 413, 'BODY_TOO_COMPLEX']);
      expect(refused.body.message).toContain(`(limit ${limit}). `);
    }
  });

  it('answers a key longer than maxStringLength with 413, not echoing it', async () => {
    const res = await http.post('/notes').send({ title: 't', meta: { 'a-very-long-key': 1 } });
    expect(res.status).toBe(413);
    expect(res.body.message).toBe(
      'The body has a key longer than 10 characters in the object at /meta ' +
        '(limit maxStringLength). Send a shorter string, or raise limits.body.maxStringLength.',
    );
  });

  it('answers a query over a limit with 414 QUERY_TOO_COMPLEX', async () => {
    const at = await http.get('/notes?tag=a&tag=b&tag=c');
    expect([at.status, at.body]).toEqual([200, { tags: 3 }]);
    const over = await http.get('/notes?tag=a&tag=b&tag=c&tag=d');
    expect(over.status).toBe(414);
    expect(over.body).toEqual({
      error: 'URI Too Long',
      code: 'QUERY_TOO_COMPLEX',
      message:
        'The query has an array with more than 3 elements at /tag (limit maxArrayLength). ' +
        'Send fewer elements, or raise limits.body.maxArrayLength.',
      requestId: expect.stringMatching(REQUEST_ID),
    });
  });
});

describe.each(LIMITED_ADAPTERS)('maxBodyDepth on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await startNotes(makeAdapter, { limits: { body: { maxDepth: 3 } } });
  });
  afterAll(() => running.close());

  it('is still the depth limit: 3 levels pass, 4 are 413', async () => {
    const http = request(running.url);
    const at = await http.post('/notes').send({ title: 't', meta: { a: { b: 1 } } });
    expect(at.status).toBe(201);
    const over = await http.post('/notes').send({ title: 't', meta: { a: { b: {} } } });
    expect(over.status).toBe(413);
    expect(over.body.message).toBe(
      'The body is nested more than 3 levels deep at /meta/a/b (limit maxDepth). ' +
        'Send a flatter body, or raise limits.body.maxDepth.',
    );
  });
});
