import { APP_GUARD } from '@nestjs/core';
import request from 'supertest';
import { Authenticator, StatusModule, StatusModuleOptions } from '../../lib';
import { ADAPTERS, REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import {
  ADMIN,
  AuthFixtureController,
  DenyGuard,
  GRACE,
  jwtAuthenticator,
  PlainController,
  tokenFor,
} from './fixtures/auth.fixture';

function appWith(options: StatusModuleOptions = {}) {
  return {
    imports: [StatusModule.forRoot({ auth: { authenticator: jwtAuthenticator }, ...options })],
    controllers: [AuthFixtureController],
  };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const ADMIN_TOKEN = tokenFor(ADMIN);
const GRACE_TOKEN = tokenFor(GRACE);
const EXPIRED_TOKEN = tokenFor(GRACE, -60);

/** The headers of a response bar those that differ between any two responses. */
function comparableHeaders(headers: Record<string, string>): Record<string, string> {
  const { date: _date, 'x-request-id': _id, ...rest } = headers;
  return rest;
}
function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId: _id, ...rest } = body;
  return rest;
}

describe.each(ADAPTERS)('auth guard on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let http: ReturnType<typeof request>;
  beforeAll(async () => {
    running = await startApp(appWith(), makeAdapter);
    http = request(running.url);
  });
  afterAll(() => running.close());

  describe("the guide's four exchanges", () => {
    it('no token → 401 with the Bearer challenge', async () => {
      const res = await http.get('/profile');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body).toEqual({
        error: 'Unauthorized',
        message: 'Authentication required. Provide a valid Bearer token.',
        code: 'UNAUTHENTICATED',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('expired token → 401 with error="invalid_token" and the expired message', async () => {
      const res = await http.get('/profile').set(bearer(EXPIRED_TOKEN));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="api", error="invalid_token", ' +
          'error_description="Token has expired. Please re-authenticate."',
      );
      expect(res.body).toEqual({
        error: 'Unauthorized',
        message: 'Token has expired. Please re-authenticate.',
        code: 'TOKEN_EXPIRED',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('user token on an admin route → 403 "Admin role required..."', async () => {
      const res = await http.delete('/admin/users/2').set(bearer(GRACE_TOKEN));
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toEqual({
        error: 'Forbidden',
        message: 'Admin role required to delete users.',
        code: 'FORBIDDEN',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('admin token → 204 with no body', async () => {
      const res = await http.delete('/admin/users/2').set(bearer(ADMIN_TOKEN));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
    });
  });

  it('a valid token reaches the handler with the identity', async () => {
    const res = await http.get('/profile').set(bearer(GRACE_TOKEN));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(GRACE);
  });

  it.each([
    ['a forged signature', `${GRACE_TOKEN.slice(0, -4)}AAAA`],
    ['garbage', 'not-a-jwt'],
  ])('%s → 401 invalid_token, not "expired"', async (_label, token) => {
    const res = await http.get('/profile').set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", ' +
        'error_description="Token is invalid. Please re-authenticate."',
    );
    expect(res.body.code).toBe('INVALID_TOKEN');
  });

  it.each([
    ['Basic credentials', 'Basic YWRhOmxvdmVsYWNl'],
    ['Digest credentials', 'Digest username="ada", realm="api"'],
    ['a scheme that only starts like Bearer', 'Bearerish abc'],
    ['"Bearer" with no token', 'Bearer'],
    ['"bearer" with only spaces after it', 'bearer    '],
  ])(
    '%s: no Bearer token, so the bare challenge with no error code (RFC 6750 3.1)',
    async (_l, header) => {
      const res = await http.get('/profile').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body).toEqual({
        error: 'Unauthorized',
        message: 'Authentication required. Provide a valid Bearer token.',
        code: 'UNAUTHENTICATED',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    },
  );

  it.each([
    ['two tokens', 'Bearer abc def'],
    ['a quoted token', 'Bearer "abc"'],
    ['a token with a comma', 'bearer abc,def'],
  ])('a malformed Bearer token (%s) → 401 invalid_token', async (_l, header) => {
    const res = await http.get('/profile').set('Authorization', header);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", ' +
        'error_description="The Authorization header must be Bearer <token>."',
    );
    expect(res.body.code).toBe('INVALID_TOKEN');
  });

  it('401 comes before 403: an anonymous caller of an admin route gets 401', async () => {
    const res = await http.delete('/admin/users/2');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('401 comes before 403 for a bad token on an admin route too', async () => {
    const res = await http.delete('/admin/users/2').set(bearer(EXPIRED_TOKEN));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('TOKEN_EXPIRED');
  });

  it('@Authorize: a permission predicate lets the owner in and refuses others with 403', async () => {
    const own = await http.put('/users/2/name').set(bearer(GRACE_TOKEN));
    expect(own.status).toBe(200);
    const other = await http.put('/users/1/name').set(bearer(GRACE_TOKEN));
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('You may only rename yourself.');
    expect((await http.put('/users/1/name')).status).toBe(401);
  });

  it('@Public: anyone may call; a valid token that comes along is read, a bad one ignored', async () => {
    const anonymous = await http.get('/open');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toEqual({ user: null });
    const known = await http.get('/open').set(bearer(GRACE_TOKEN));
    expect(known.body).toEqual({ user: GRACE });
    const expired = await http.get('/open').set(bearer(EXPIRED_TOKEN));
    expect(expired.status).toBe(200);
    expect(expired.body).toEqual({ user: null });
  });

  describe('public routes look the caller up only when they can use the identity', () => {
    let calls: number;
    let counted: RunningApp;
    let client: ReturnType<typeof request>;
    beforeAll(async () => {
      counted = await startApp(
        appWith({
          auth: {
            authenticator: (req, context) => {
              calls += 1;
              return jwtAuthenticator(req, context);
            },
          },
        }),
        makeAdapter,
      );
      client = request(counted.url);
    });
    afterAll(() => counted.close());
    beforeEach(() => {
      calls = 0;
    });

    it.each([
      ['a valid token', GRACE_TOKEN],
      ['an expired token', EXPIRED_TOKEN],
      ['garbage', 'not-a-jwt'],
    ])(
      'a route that reads no identity: 200 with %s, the authenticator never runs',
      async (_l, token) => {
        const res = await client.get('/open/plain').set(bearer(token));
        expect([res.status, res.body]).toEqual([200, { ok: true }]);
        expect(calls).toBe(0);
      },
    );

    it.each([
      ['@CurrentUser()', '/open', 200],
      ['@HideForbidden()', '/public-repos/1', 200],
      ['a guard of its own', '/open/denied', 403],
    ])('a route with %s looks the caller up', async (_l, path, status) => {
      const res = await client.get(path).set(bearer(GRACE_TOKEN));
      expect(res.status).toBe(status);
      expect(calls).toBe(1);
    });

    it("a handler's 403 on such a route: 401 to a caller without credentials, 403 with", async () => {
      const anonymous = await client.get('/open/closed');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
      const known = await client.get('/open/closed').set(bearer(GRACE_TOKEN));
      expect(known.status).toBe(403);
      expect(known.body.message).toBe('Closed today.');
      expect(calls).toBe(0);
    });

    it("publicIdentity: 'always' looks every caller with credentials up", async () => {
      let seen = 0;
      const always = await startApp(
        appWith({
          auth: {
            publicIdentity: 'always',
            authenticator: (req, context) => {
              seen += 1;
              return jwtAuthenticator(req, context);
            },
          },
        }),
        makeAdapter,
      );
      try {
        const res = await request(always.url).get('/open/plain').set(bearer(EXPIRED_TOKEN));
        expect(res.status).toBe(200);
        expect(seen).toBe(1);
        expect((await request(always.url).get('/open/plain')).status).toBe(200);
        expect(seen).toBe(1);
      } finally {
        await always.close();
      }
    });
  });

  it("another guard's 403 to an anonymous caller comes out as 401; to a known one it stays 403", async () => {
    const anonymous = await http.get('/open/denied');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    const known = await http.get('/open/denied').set(bearer(GRACE_TOKEN));
    expect(known.status).toBe(403);
    expect(known.body.message).toBe('Forbidden resource');
  });

  describe('hidden resources', () => {
    async function expectIndistinguishable(
      hiddenPath: string,
      missingPath: string,
      token?: string,
    ) {
      const ask = (path: string) => (token ? http.get(path).set(bearer(token)) : http.get(path));
      const hidden = await ask(hiddenPath);
      const missing = await ask(missingPath);
      expect(hidden.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(withoutRequestId(hidden.body)).toEqual(withoutRequestId(missing.body));
      expect(hidden.text.replace(hidden.body.requestId, '')).toBe(
        missing.text.replace(missing.body.requestId, ''),
      );
      expect(comparableHeaders(hidden.headers)).toEqual(comparableHeaders(missing.headers));
      return { hidden, missing };
    }

    it("another user's private repo and a missing repo give the same 404 (handler's 403)", async () => {
      const { hidden } = await expectIndistinguishable('/repos/2', '/repos/2x', GRACE_TOKEN);
      expect(hidden.body).toEqual({
        error: 'Not Found',
        message: 'Repository not found.',
        code: 'REPO_NOT_FOUND',
        requestId: expect.stringMatching(REQUEST_ID),
      });
    });

    it('the owner sees the private repo, anyone signed in sees the public one', async () => {
      expect((await http.get('/repos/2').set(bearer(ADMIN_TOKEN))).status).toBe(200);
      expect((await http.get('/repos/1').set(bearer(GRACE_TOKEN))).status).toBe(200);
    });

    it("the guard's own refusal (roles) is hidden the same way", async () => {
      await expectIndistinguishable('/repos/2/settings', '/repos/2x/settings', GRACE_TOKEN);
      const missingForAdmin = await http.get('/repos/2x/settings').set(bearer(ADMIN_TOKEN));
      expect(missingForAdmin.status).toBe(404);
      expect(missingForAdmin.body.message).toBe('Repository not found.');
    });

    it('a thrown ResourceHiddenError answers as its not-found error', async () => {
      await expectIndistinguishable('/files/secret', '/files/secrex', GRACE_TOKEN);
    });

    it('anonymous callers of an authenticated hidden route get 401 for every id', async () => {
      const existing = await http.get('/repos/2');
      const missing = await http.get('/repos/2x');
      expect([existing.status, missing.status]).toEqual([401, 401]);
    });

    it('anonymous callers of a public hidden route get the 404 too, never a 401 or 403', async () => {
      await expectIndistinguishable('/public-repos/2', '/public-repos/2x');
      expect((await http.get('/public-repos/2').set(bearer(ADMIN_TOKEN))).status).toBe(200);
    });
  });
});

describe.each(ADAPTERS)('auth options on %s', (_name, makeAdapter) => {
  it('the challenge takes its scheme and realm from errors.challenge', async () => {
    const running = await startApp(
      appWith({ errors: { challenge: { scheme: 'Bearer', realm: 'shop' } } }),
      makeAdapter,
    );
    try {
      const http = request(running.url);
      expect((await http.get('/profile')).headers['www-authenticate']).toBe('Bearer realm="shop"');
      const expired = await http.get('/profile').set(bearer(EXPIRED_TOKEN));
      expect(expired.headers['www-authenticate']).toMatch(
        /^Bearer realm="shop", error="invalid_token", error_description="Token has expired/,
      );
    } finally {
      await running.close();
    }
  });

  it('public by default: only declared routes ask for credentials', async () => {
    const running = await startApp(
      appWith({ auth: { authenticator: jwtAuthenticator, defaultAccess: 'public' } }),
      makeAdapter,
    );
    try {
      const http = request(running.url);
      expect((await http.get('/files/readme')).status).toBe(200);
      expect((await http.get('/repos/1')).status).toBe(200);
      expect((await http.delete('/admin/users/2')).status).toBe(401);
      expect((await http.delete('/admin/users/2').set(bearer(GRACE_TOKEN))).status).toBe(403);
    } finally {
      await running.close();
    }
  });

  it('the problem format carries the same challenge', async () => {
    const running = await startApp(appWith({ errors: { format: 'problem' } }), makeAdapter);
    try {
      const res = await request(running.url).get('/profile').set(bearer(EXPIRED_TOKEN));
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      expect(res.body).toMatchObject({
        status: 401,
        detail: 'Token has expired. Please re-authenticate.',
      });
    } finally {
      await running.close();
    }
  });

  it('an app with no authenticator and no auth decorator is left alone', async () => {
    const running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [PlainController] },
      makeAdapter,
    );
    try {
      const http = request(running.url);
      expect((await http.get('/plain')).status).toBe(200);
      const denied = await http.get('/plain/denied');
      expect(denied.status).toBe(403);
      expect(denied.body.message).toBe('Forbidden resource');
    } finally {
      await running.close();
    }
  });

  it('forRootAsync: the authenticator can come from a factory', async () => {
    const running = await startApp(
      {
        imports: [
          StatusModule.forRootAsync({
            useFactory: async () => ({ auth: { authenticator: jwtAuthenticator } }),
          }),
        ],
        controllers: [AuthFixtureController],
      },
      makeAdapter,
    );
    try {
      const http = request(running.url);
      expect((await http.get('/profile')).status).toBe(401);
      expect((await http.delete('/admin/users/2').set(bearer(GRACE_TOKEN))).status).toBe(403);
      expect((await http.get('/profile').set(bearer(GRACE_TOKEN))).body).toEqual(GRACE);
    } finally {
      await running.close();
    }
  });

  it('an app guard that runs before ours: its 403 to a caller without credentials is a 401', async () => {
    const running = await startApp(
      {
        imports: [StatusModule.forRoot({ auth: { authenticator: jwtAuthenticator } })],
        controllers: [AuthFixtureController],
        providers: [{ provide: APP_GUARD, useClass: DenyGuard }],
      },
      makeAdapter,
      // A global guard of the app's own refuses every route: no route's metadata can tell.
      { contract: false },
    );
    try {
      const http = request(running.url);
      const anonymous = await http.get('/open');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
      // Credentials sent, but our guard never ran to check them: the 403 stands.
      expect((await http.get('/open').set(bearer(GRACE_TOKEN))).status).toBe(403);
    } finally {
      await running.close();
    }
  });

  it('an Authenticator class the app does not register is built by Nest', async () => {
    class HeaderAuthenticator implements Authenticator {
      authenticate(req: { headers: Record<string, string | undefined> }) {
        return req.headers['x-user'] === 'grace' ? GRACE : undefined;
      }
    }
    const running = await startApp(
      appWith({ auth: { authenticator: HeaderAuthenticator } }),
      makeAdapter,
    );
    try {
      const http = request(running.url);
      expect((await http.get('/profile').set('X-User', 'grace')).body).toEqual(GRACE);
      expect((await http.get('/profile')).status).toBe(401);
    } finally {
      await running.close();
    }
  });

  it('auth: false leaves the guard out', async () => {
    const running = await startApp(appWith({ auth: false }), makeAdapter);
    try {
      const res = await request(running.url).delete('/admin/users/2');
      expect(res.status).toBe(204);
    } finally {
      await running.close();
    }
  });
});
