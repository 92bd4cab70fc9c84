import * as classTransformer from 'class-transformer';
import request from 'supertest';
import { REQUEST_ID } from '../support/http-app';
import { getOwnConnection, postOwnConnection, widestObject } from '../support/own-connection';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/** An object of `count` short keys (`0`, `1`, … `255r`): 100,000 of them are 852 KB of JSON. */
function keys(count: number): Record<string, number> {
  const object: Record<string, number> = {};
  for (let i = 0; i < count; i++) object[i.toString(36)] = 0;
  return object;
}

/**
 * "One request cannot stall the others: a body with 100,000 keys is refused in well under a
 * second." Within the 1 MiB byte limit, such a body cost class-transformer 10 s (quadratic in the
 * keys) while every other request waited; the body limits refuse it before that step.
 */
describe.each(SAMPLE_ADAPTERS)('sample body complexity on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    sample = await startSample(adapter);
    http = request(sample.url);
  });
  afterAll(() => sample.close());

  it('answers POST /api/users with 100,000 keys (852 KB) with 413 in the envelope', async () => {
    const body = JSON.stringify(keys(100_000));
    expect(Buffer.byteLength(body)).toBe(852_013);
    const res = await http.post('/api/users').set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      error: 'Content Too Large',
      code: 'BODY_TOO_COMPLEX',
      message:
        'The body has an object with more than 1000 keys at the top level (limit maxKeys). ' +
        'Send fewer keys, or raise limits.body.maxKeys.',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it('refuses it before class-transformer sees it, and answers GET /api/users/1 sent right after', async () => {
    const transform = jest.spyOn(classTransformer, 'plainToInstance');
    try {
      const big = postOwnConnection(sample.url, '/api/users', JSON.stringify(keys(100_000)));
      await big.sent;
      const [refused, read] = await Promise.all([
        big.answer,
        getOwnConnection(sample.url, '/api/users/1'),
      ]);
      expect([refused.status, refused.body.code]).toEqual([413, 'BODY_TOO_COMPLEX']);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: 1 });
      expect(widestObject(transform.mock.calls)).toBeLessThanOrEqual(1000);
    } finally {
      transform.mockRestore();
    }
  });

  it('still validates 1000 keys (422, each unknown), and refuses 1001 with 413', async () => {
    const at = await http.post('/api/users').send({ name: 'Ada', email: 'a@b.co', ...keys(998) });
    expect(at.status).toBe(422);
    expect(at.body.code).toBe('VALIDATION_FAILED');
    const over = await http.post('/api/users').send({ name: 'Ada', email: 'a@b.co', ...keys(999) });
    expect(over.status).toBe(413);
    expect(over.body.code).toBe('BODY_TOO_COMPLEX');
  });
});
