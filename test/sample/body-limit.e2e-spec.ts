import request from 'supertest';
import { BODY_LIMIT } from '../../sample/app';
import { REQUEST_ID } from '../support/http-app';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/** The same body limit on both adapters: 1 MiB (Express alone would refuse past 100 kb). */
describe.each(SAMPLE_ADAPTERS)('sample request body limit on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    sample = await startSample(adapter);
    http = request(sample.url);
  });
  afterAll(() => sample.close());

  it('takes a 200 KB JSON body: PUT /api/documents/7 → 201', async () => {
    // 100,000 two-byte characters: within the DTO's 100,000-character limit, 200 KB on the wire.
    const body = 'é'.repeat(100_000);
    const payload = JSON.stringify({ title: 'Big', body });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(200_000);
    const res = await http
      .put('/api/documents/7')
      .set('Content-Type', 'application/json')
      .send(payload);
    expect(res.status).toBe(201);
    expect(res.body.body).toBe(body);
  });

  it('takes a body of exactly 1 MiB, refuses one byte more', async () => {
    const sized = (bytes: number) => {
      const skeleton = JSON.stringify({ name: '', email: 'big@example.com' });
      return JSON.stringify({
        name: 'x'.repeat(bytes - skeleton.length),
        email: 'big@example.com',
      });
    };
    expect(Buffer.byteLength(sized(BODY_LIMIT))).toBe(BODY_LIMIT);
    const atLimit = await http
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .send(sized(BODY_LIMIT));
    // Parsed, then refused by the DTO's rules (name at most 100 characters).
    expect(atLimit.status).toBe(422);
    const over = await http
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .send(sized(BODY_LIMIT + 1));
    expect(over.status).toBe(413);
  });

  it('refuses a 2 MiB JSON body with 413 in the envelope', async () => {
    const res = await http
      .put('/api/documents/8')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ title: 'Huge', body: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      error: 'Content Too Large',
      code: 'CONTENT_TOO_LARGE',
      message: 'The request body is too large.',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect((await http.get('/api/documents/8')).status).toBe(404);
  });

  if (adapter === 'express') {
    it('has one JSON and one form parser: Nest adds no 100 kb ones beside ours', () => {
      const stack: { handle?: { name?: string } }[] = sample.app.getHttpAdapter().getInstance()
        .router.stack;
      const named = (name: string) => stack.filter((layer) => layer.handle?.name === name).length;
      expect([named('jsonParser'), named('urlencodedParser')]).toEqual([1, 1]);
    });
  }
});
