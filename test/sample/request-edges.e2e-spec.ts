import { connect } from 'node:net';
import request from 'supertest';
import { parseResponse } from '../fuzz/raw-http';
import { REQUEST_ID } from '../support/http-app';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

/** Writes `raw` as is and reads the answer until the server closes the connection. */
function sendRaw(url: string, raw: string) {
  const { port } = new URL(url);
  return new Promise<ReturnType<typeof parseResponse>>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(raw, 'latin1'));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const NEW_USER = { name: 'Edge', email: 'edge@example.com' };

/** The sample answers the edges of HTTP the same on both adapters, in the envelope. */
describe.each(SAMPLE_ADAPTERS)('sample request edges on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    sample = await startSample(adapter, { rateLimit: 1_000_000 });
    http = request(sample.url);
  });
  afterAll(() => sample.close());

  it('answers a form posted to a JSON route with 415 (the Express form parser never runs)', async () => {
    const res = await http
      .post('/api/users')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('name=Edge&email=edge%40example.com');
    expect(res.status).toBe(415);
    expect(res.body).toEqual({
      error: 'Unsupported Media Type',
      message:
        'The request body has a media type this route does not accept. Send application/json.',
      code: 'UNSUPPORTED_MEDIA_TYPE',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it('answers multipart with 415', async () => {
    const res = await http.post('/api/users').field('name', 'Edge');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers a compressed body with 415 and Accept-Encoding: identity', async () => {
    const res = await http
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send(JSON.stringify(NEW_USER));
    expect(res.status).toBe(415);
    expect(res.headers['accept-encoding']).toBe('identity');
    expect(res.body.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
  });

  it('answers JSON in UTF-16 with 415', async () => {
    const res = await http
      .post('/api/users')
      .set('Content-Type', 'application/json; charset=utf-16le')
      .send(Buffer.from(JSON.stringify(NEW_USER), 'utf16le'));
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_CHARSET');
  });

  it('answers a trailing slash with 404', async () => {
    const res = await http.post('/api/users/').send(NEW_USER);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: 'Not Found',
      message: 'No route matches POST /api/users/.',
      code: 'ROUTE_NOT_FOUND',
      requestId: expect.stringMatching(REQUEST_ID),
    });
  });

  it('answers a 15,000-character id with 414', async () => {
    const res = await http.get(`/api/users/${'1'.repeat(15_000)}`);
    expect(res.status).toBe(414);
    expect(res.body).toEqual({
      error: 'URI Too Long',
      message: 'A segment of the request path is longer than this server accepts.',
      code: 'URI_TOO_LONG',
      requestId: expect.stringMatching(REQUEST_ID),
    });
  });

  it('answers a request without Host with 400 in the envelope', async () => {
    const res = await sendRaw(sample.url, 'GET /api/users/1 HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text);
    expect(body).toEqual({
      error: 'Bad Request',
      message: 'An HTTP/1.1 request must carry exactly one Host header.',
      code: 'INVALID_HOST',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(res.headers['x-request-id']).toBe(body.requestId);
  });

  it('answers Transfer-Encoding: gzip, chunked with 501', async () => {
    const res = await sendRaw(
      sample.url,
      'POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
    );
    expect(res.status).toBe(501);
    expect(JSON.parse(res.text).code).toBe('TRANSFER_CODING_NOT_IMPLEMENTED');
  });

  it('still takes plain JSON', async () => {
    const res = await http.post('/api/users').send({ name: 'Plain', email: 'plain@example.com' });
    expect(res.status).toBe(201);
  });
});
