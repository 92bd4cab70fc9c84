import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import { StatusAuthGuard } from '../../lib/auth/status-auth.guard';
import { StatusInterceptor } from '../../lib/responses/status.interceptor';
import { ConditionalEngine } from '../../lib/conditional/conditional-engine';
import { ETagInterceptor } from '../../lib/conditional/etag.interceptor';
import { resolveStatusOptions as resolveOptions } from '../../lib/status-options.resolver';

/** A GraphQL/RPC/websocket context: any HTTP-only call on it fails the test. */
function contextOf(type: string): ExecutionContext {
  const fail = () => {
    throw new Error(`an HTTP-only path was taken for a ${type} context`);
  };
  return {
    getType: () => type,
    switchToHttp: fail,
    getHandler: fail,
    getClass: fail,
    getArgs: () => [{ pattern: 'x' }],
  } as unknown as ExecutionContext;
}

const result = { untouched: true };
const next: CallHandler = { handle: () => of(result) };
const options = resolveOptions({ auth: { authenticator: () => undefined } });
const adapterHost = { httpAdapter: undefined } as never;

describe.each(['rpc', 'ws', 'graphql'])('the enhancers in a %s context', (type) => {
  it('the response interceptor passes the result through untouched', async () => {
    const interceptor = new StatusInterceptor(new Reflector());
    expect(await lastValueFrom(interceptor.intercept(contextOf(type), next))).toBe(result);
  });

  it('the ETag interceptor passes the result through untouched', async () => {
    const interceptor = new ETagInterceptor(
      options,
      new ConditionalEngine(adapterHost, options),
      new Reflector(),
      {} as never,
    );
    expect(await lastValueFrom(interceptor.intercept(contextOf(type), next))).toBe(result);
  });

  it('the auth guard lets the call through', async () => {
    const guard = new StatusAuthGuard(options, new Reflector(), {} as never);
    expect(await guard.canActivate(contextOf(type))).toBe(true);
  });
});

describe('what StatusModule.forRoot registers app-wide', () => {
  const tokens = (module: { providers?: unknown[] }) =>
    (module.providers ?? []).map((p) => (p as { provide?: unknown }).provide);

  it('registers no app-wide interceptor', () => {
    const { APP_INTERCEPTOR, APP_FILTER, APP_PIPE, APP_GUARD } = jest.requireActual('@nestjs/core');
    const { StatusModule } = jest.requireActual('../../lib');
    const plain = tokens(StatusModule.forRoot());
    // Each part's provider is always there; its factory decides (see status-options.spec.ts).
    expect(plain).toEqual(expect.arrayContaining([APP_FILTER, APP_PIPE, APP_GUARD]));
    expect(plain).not.toContain(APP_INTERCEPTOR);
  });
});
