import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import request from 'supertest';
import { StatusModule } from '../../lib';
import { ADAPTERS, RunningApp, startApp } from '../support/http-app';
import { ADMIN, GRACE, tokenFor } from './fixtures/auth.fixture';
import {
  GuardedController,
  PlainBearerStrategy,
  RoutePassportController,
  TellingBearerStrategy,
} from './fixtures/auth-passport.fixture';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const EXPIRED = tokenFor(GRACE, -60);
const STRATEGIES = [PlainBearerStrategy, TellingBearerStrategy];

describe.each(ADAPTERS)('Passport with the auth guard on %s', (_name, makeAdapter) => {
  describe("Passport's guard on the route, no authenticator", () => {
    let running: RunningApp;
    beforeAll(async () => {
      running = await startApp(
        {
          imports: [StatusModule.forRoot()],
          controllers: [RoutePassportController],
          providers: STRATEGIES,
        },
        makeAdapter,
      );
    });
    afterAll(() => running.close());

    it.each([
      ['no token', {}],
      ['an expired token', bearer(EXPIRED)],
      ['a garbage token', bearer('garbage')],
    ])("Passport's 401 for %s leaves with a WWW-Authenticate challenge", async (_l, headers) => {
      const res = await request(running.url).get('/route-passport/profile').set(headers);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body).toMatchObject({ error: 'Unauthorized', code: 'UNAUTHENTICATED' });
    });

    it('a valid token passes', async () => {
      const res = await request(running.url)
        .get('/route-passport/profile')
        .set(bearer(tokenFor(GRACE)));
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(GRACE.id);
    });
  });

  describe.each([
    ['plain-bearer', 'Token is invalid. Please re-authenticate.'],
    ['telling-bearer', 'Token has expired. Please re-authenticate.'],
  ])("Passport's AuthGuard('%s') as the authenticator", (strategy, expiredMessage) => {
    let running: RunningApp;
    let http: ReturnType<typeof request>;
    beforeAll(async () => {
      running = await startApp(
        {
          imports: [StatusModule.forRoot({ auth: { authenticator: AuthGuard(strategy) } })],
          controllers: [GuardedController],
          providers: STRATEGIES,
        },
        makeAdapter,
      );
      http = request(running.url);
    });
    afterAll(() => running.close());

    it('no token → 401 with the plain challenge', async () => {
      const res = await http.get('/profile');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body.message).toBe('Authentication required. Provide a valid Bearer token.');
    });

    it.each([
      ['Basic credentials', 'Basic YWRhOmxvdmVsYWNl'],
      ['"Bearer" with no token', 'Bearer'],
    ])('%s → 401 with the plain challenge, no error code', async (_l, header) => {
      const res = await http.get('/profile').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body.message).toBe('Authentication required. Provide a valid Bearer token.');
    });

    it('a bad token → 401 invalid_token', async () => {
      const res = await http.get('/profile').set(bearer(EXPIRED));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(
        `Bearer realm="api", error="invalid_token", error_description="${expiredMessage}"`,
      );
      expect(res.body.message).toBe(expiredMessage);
    });

    it('401 before 403 before success, in that order', async () => {
      expect((await http.delete('/admin/users/2')).status).toBe(401);
      const user = await http.delete('/admin/users/2').set(bearer(tokenFor(GRACE)));
      expect(user.status).toBe(403);
      expect(user.body.message).toBe('Admin role required to delete users.');
      expect((await http.delete('/admin/users/2').set(bearer(tokenFor(ADMIN)))).status).toBe(204);
    });
  });

  describe("the app's own global Passport guard, registered before StatusModule", () => {
    let running: RunningApp;
    let http: ReturnType<typeof request>;
    beforeAll(async () => {
      running = await startApp(
        {
          imports: [StatusModule.forRoot()],
          controllers: [GuardedController],
          providers: [...STRATEGIES, { provide: APP_GUARD, useClass: AuthGuard('plain-bearer') }],
        },
        makeAdapter,
      );
      http = request(running.url);
    });
    afterAll(() => running.close());

    it('reads request.user for @Roles: 401, then 403, then 204', async () => {
      const anonymous = await http.delete('/admin/users/2');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
      const user = await http.delete('/admin/users/2').set(bearer(tokenFor(GRACE)));
      expect(user.status).toBe(403);
      expect((await http.delete('/admin/users/2').set(bearer(tokenFor(ADMIN)))).status).toBe(204);
    });
  });
});
