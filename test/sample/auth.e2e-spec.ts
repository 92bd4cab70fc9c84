import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import * as jwt from 'jsonwebtoken';
import request from 'supertest';
import { JwtAuthenticator } from '../../sample/auth/jwt.authenticator';
import { REQUEST_ID } from '../support/http-app';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Every route the sample registers, read from its controllers, `:params` filled in. */
function routesOf(sample: RunningSample): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  for (const module of sample.app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (!metatype) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      const proto = metatype.prototype;
      for (const key of Object.getOwnPropertyNames(proto)) {
        if (key === 'constructor') continue;
        const handler = proto[key];
        if (typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) continue;
        const path = `/${prefix}/${Reflect.getMetadata(PATH_METADATA, handler)}`
          .replace(/\/+/g, '/')
          .replace(/\/$/, '')
          .replace(/:[A-Za-z]+/g, '1');
        routes.push({ method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler)], path });
      }
    }
  }
  return routes;
}

describe.each(SAMPLE_ADAPTERS)('sample auth on %s', (adapter) => {
  let sample: RunningSample;
  let http: ReturnType<typeof request>;
  let adminToken: string;
  let graceToken: string;
  beforeAll(async () => {
    sample = await startSample(adapter, { rateLimit: 1_000_000 });
    http = request(sample.url);
    const login = async (email: string, password: string) =>
      (await http.post('/api/auth/token').send({ email, password })).body.accessToken;
    adminToken = await login('admin@example.com', 'admin-password');
    graceToken = await login('grace@example.com', 'grace-password');
  });
  afterAll(() => sample.close());

  describe('POST /api/auth/token', () => {
    it('200 with a Bearer token for good credentials', async () => {
      const res = await http
        .post('/api/auth/token')
        .send({ email: 'grace@example.com', password: 'grace-password' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        tokenType: 'Bearer',
        expiresIn: 3600,
      });
      const claims = jwt.verify(res.body.accessToken, sample.config.jwtSecret, {
        algorithms: ['HS256'],
      }) as jwt.JwtPayload;
      expect(claims.sub).toBe('2');
    });

    it.each([
      ['a wrong password', { email: 'grace@example.com', password: 'nope' }],
      ['an unknown email', { email: 'nobody@example.com', password: 'grace-password' }],
    ])('401 with the challenge for %s, the same message for both', async (_l, body) => {
      const res = await http.post('/api/auth/token').send(body);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body).toEqual({
        error: 'Unauthorized',
        message: 'Invalid email or password.',
        code: 'UNAUTHENTICATED',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('works for a client that still sends its expired token', async () => {
      const expired = jwt.sign({ sub: '2' }, sample.config.jwtSecret, { expiresIn: -10 });
      const res = await http
        .post('/api/auth/token')
        .set(bearer(expired))
        .send({ email: 'grace@example.com', password: 'grace-password' });
      expect(res.status).toBe(200);
      expect(res.body.tokenType).toBe('Bearer');
    });

    it('422 naming the missing fields, 400 for malformed JSON', async () => {
      const missing = await http.post('/api/auth/token').send({ email: 'grace@example.com' });
      expect(missing.status).toBe(422);
      expect(new Set(missing.body.details.map((d: { field: string }) => d.field))).toEqual(
        new Set(['password']),
      );
      expect(missing.body.details).toContainEqual({
        field: 'password',
        message: 'Password is required.',
        code: 'REQUIRED',
      });
      const malformed = await http
        .post('/api/auth/token')
        .set('Content-Type', 'application/json')
        .send('{"email": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('MALFORMED_JSON');
    });
  });

  describe("the guide's four exchanges", () => {
    it('GET /api/profile without a token → 401 + WWW-Authenticate: Bearer realm="api"', async () => {
      const res = await http.get('/api/profile');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body).toEqual({
        error: 'Unauthorized',
        message: 'Authentication required. Provide a valid Bearer token.',
        code: 'UNAUTHENTICATED',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it.each([
      ['Basic credentials', 'Basic Z3JhY2VAZXhhbXBsZS5jb206Z3JhY2UtcGFzc3dvcmQ='],
      ['"Bearer" with no token', 'Bearer'],
    ])('GET /api/profile with %s → 401, the bare challenge (RFC 6750 3.1)', async (_l, header) => {
      const res = await http.get('/api/profile').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body).toEqual({
        error: 'Unauthorized',
        message: 'Authentication required. Provide a valid Bearer token.',
        code: 'UNAUTHENTICATED',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('GET /api/profile with an expired token → 401 error="invalid_token", expired message', async () => {
      const expired = jwt.sign({ sub: '2' }, sample.config.jwtSecret, {
        algorithm: 'HS256',
        expiresIn: -10,
      });
      const res = await http.get('/api/profile').set(bearer(expired));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="invalid_token", ' +
          'error_description="Token has expired. Please re-authenticate."',
      );
      expect(res.body).toMatchObject({
        error: 'Unauthorized',
        message: 'Token has expired. Please re-authenticate.',
      });
    });

    it('DELETE /api/admin/users/2 with a user token → 403 "Admin role required..."', async () => {
      const res = await http.delete('/api/admin/users/2').set(bearer(graceToken));
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: 'Forbidden',
        message: 'Admin role required to delete users.',
        code: 'FORBIDDEN',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('DELETE /api/admin/users/{id} as admin → 204, then 404 for the missing user', async () => {
      const created = await http
        .post('/api/users')
        .send({ name: 'Temp', email: `temp-${adapter}@example.com` });
      const res = await http.delete(`/api/admin/users/${created.body.id}`).set(bearer(adminToken));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const again = await http
        .delete(`/api/admin/users/${created.body.id}`)
        .set(bearer(adminToken));
      expect(again.status).toBe(404);
    });
  });

  it('GET /api/profile with a valid token → 200 the caller', async () => {
    const res = await http.get('/api/profile').set(bearer(graceToken));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 2,
      name: 'Grace Hopper',
      email: 'grace@example.com',
      role: 'user',
      createdAt: expect.any(String),
    });
  });

  it.each([
    ['a token signed with another secret', jwt.sign({ sub: '2' }, 'not-the-secret')],
    [
      'an alg=none token',
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.`,
    ],
    ['a token for a user who does not exist', jwt.sign({ sub: '999' }, 'x')],
  ])('%s → 401 invalid_token', async (_l, token) => {
    const res = await http.get('/api/profile').set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", ' +
        'error_description="Token is invalid. Please re-authenticate."',
    );
  });

  describe('public routes do not authenticate a caller they cannot use', () => {
    afterEach(() => jest.restoreAllMocks());

    it('a token sent to GET /api/documents/42, GET /api/users/1 or POST /api/auth/token is never verified', async () => {
      const authenticate = jest.spyOn(sample.app.get(JwtAuthenticator), 'authenticate');
      for (const token of [graceToken, 'not-a-jwt']) {
        expect((await http.get('/api/documents/42').set(bearer(token))).status).toBe(200);
        expect((await http.get('/api/users/1').set(bearer(token))).status).toBe(200);
        const issued = await http
          .post('/api/auth/token')
          .set(bearer(token))
          .send({ email: 'grace@example.com', password: 'grace-password' });
        expect(issued.status).toBe(200);
      }
      expect(authenticate).not.toHaveBeenCalled();
    });

    it('a route that needs the caller still verifies the token, once', async () => {
      const authenticate = jest.spyOn(sample.app.get(JwtAuthenticator), 'authenticate');
      expect((await http.get('/api/profile').set(bearer(graceToken))).status).toBe(200);
      expect((await http.get('/api/repos/1').set(bearer(graceToken))).status).toBe(200);
      expect(authenticate).toHaveBeenCalledTimes(2);
    });
  });

  it('an anonymous caller never gets 403, and no 401 leaves without a challenge, on any route', async () => {
    const routes = routesOf(sample);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/auth/token',
        'DELETE /api/admin/users/1',
        'GET /api/repos/1',
      ]),
    );
    for (const { method, path } of routes) {
      for (const headers of [{}, bearer('broken'), { Authorization: 'Basic Zm9vOmJhcg==' }]) {
        const res = await http[method.toLowerCase() as 'get'](path).set(headers).send({});
        const where = `${method} ${path} ${JSON.stringify(headers)} → ${res.status}`;
        expect(where).not.toMatch(/→ 403$/);
        if (res.status === 401)
          expect([where, res.headers['www-authenticate']]).toEqual([
            where,
            expect.stringMatching(/^Bearer realm="api"/),
          ]);
      }
    }
  });

  describe('GET /api/repos/{id}', () => {
    it('a public repo to anyone signed in, a private one to its owner', async () => {
      const publicRepo = await http.get('/api/repos/1').set(bearer(graceToken));
      expect(publicRepo.status).toBe(200);
      expect(publicRepo.body).toEqual({ id: 1, name: 'status-codes', private: false, ownerId: 1 });
      const own = await http.get('/api/repos/2').set(bearer(adminToken));
      expect(own.status).toBe(200);
      expect(own.body.private).toBe(true);
    });

    it('401 without a token, whatever the id', async () => {
      expect((await http.get('/api/repos/2')).status).toBe(401);
      expect((await http.get('/api/repos/999')).status).toBe(401);
    });

    it("another user's private repo and a missing one: the same 404, bar requestId", async () => {
      const hidden = await http.get('/api/repos/2').set(bearer(graceToken));
      const missing = await http.get('/api/repos/999').set(bearer(graceToken));
      expect([hidden.status, missing.status]).toEqual([404, 404]);
      expect(hidden.body).toEqual({
        error: 'Not Found',
        message: 'Repository not found.',
        code: 'REPO_NOT_FOUND',
        requestId: expect.stringMatching(REQUEST_ID),
      });
      expect(hidden.text.replace(hidden.body.requestId, '')).toBe(
        missing.text.replace(missing.body.requestId, ''),
      );
      // Bar what differs between any two responses: the request id, the clock (Date, and the
      // reset time computed from it) and this client's count of requests left.
      const comparable = (headers: Record<string, string>) => {
        const {
          date,
          'x-request-id': id,
          'x-ratelimit-remaining': left,
          'x-ratelimit-reset': reset,
          ...rest
        } = headers;
        void [date, id, left, reset];
        return rest;
      };
      expect(comparable(hidden.headers)).toEqual(comparable(missing.headers));
      expect(Number(hidden.headers['x-ratelimit-remaining']) - 1).toBe(
        Number(missing.headers['x-ratelimit-remaining']),
      );
    });
  });
});

describe.each(SAMPLE_ADAPTERS)('sample hidden 404 in the problem format on %s', (adapter) => {
  let sample: RunningSample;
  beforeAll(async () => {
    sample = await startSample(adapter, { rateLimit: 1_000_000, errorFormat: 'problem' });
  });
  afterAll(() => sample.close());

  it("another user's private repo and a missing one: byte-for-byte the same, bar requestId", async () => {
    const http = request(sample.url);
    const token = (
      await http
        .post('/api/auth/token')
        .send({ email: 'grace@example.com', password: 'grace-password' })
    ).body.accessToken;
    const hidden = await http.get('/api/repos/2').set(bearer(token));
    const missing = await http.get('/api/repos/999').set(bearer(token));
    expect([hidden.status, missing.status]).toEqual([404, 404]);
    expect(hidden.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(hidden.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Repository not found.',
      code: 'REPO_NOT_FOUND',
      requestId: expect.stringMatching(REQUEST_ID),
    });
    expect(hidden.text.replaceAll(hidden.body.requestId, '')).toBe(
      missing.text.replaceAll(missing.body.requestId, ''),
    );
  });
});
