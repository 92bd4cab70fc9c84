import { Controller, type DynamicModule, Injectable } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  InjectStatusOptions,
  type ResolvedStatusOptions,
  StatusExceptionFilter,
  StatusModule,
  StatusValidationPipe,
} from '../../lib';
import { StatusAuthGuard } from '../../lib/auth/status-auth.guard';
import { STATUS_OPTIONS } from '../../lib/options/options.token';
import { resolveStatusOptions } from '../../lib/status-options.resolver';

@Injectable()
class ReadsOptions {
  constructor(@InjectStatusOptions() readonly options: ResolvedStatusOptions) {}
}

@Controller()
class EmptyController {}

/** The enhancers Nest applies app-wide once the app is initialised. */
async function appliedEnhancers(module: DynamicModule) {
  const ref = await Test.createTestingModule({
    imports: [module],
    controllers: [EmptyController],
    providers: [ReadsOptions],
  }).compile();
  const app = ref.createNestApplication();
  await app.init();
  const config = (app as unknown as { config: ApplicationConfig }).config;
  // A factory that gives `null` leaves a hole Nest skips when it builds each route's enhancers.
  const names = (list: (object | null)[]) =>
    list.filter((enhancer) => enhancer !== null).map((enhancer) => enhancer!.constructor.name);
  const found = {
    filters: names(config.getGlobalFilters()),
    pipes: names(config.getGlobalPipes()),
    guards: names(config.getGlobalGuards()),
    interceptors: names(config.getGlobalInterceptors()),
    options: app.get(ReadsOptions).options,
    token: app.get<ResolvedStatusOptions>(STATUS_OPTIONS),
  };
  await app.close();
  return found;
}

const providerTokens = (module: DynamicModule) =>
  (module.providers ?? []).map((p) => String((p as { provide?: unknown }).provide ?? p));

const CASES: [string, Parameters<typeof StatusModule.forRoot>[0]][] = [
  ['the defaults', {}],
  ['parts switched off', { errors: false, validation: false, success: false, conditional: false }],
  ['an authenticator', { auth: { authenticator: () => undefined } }],
];

describe('StatusModule options by concern', () => {
  it('forRoot and forRootAsync register the same providers, whatever the options', () => {
    const own = (tokens: string[]) => tokens;
    const reference = own(providerTokens(StatusModule.forRoot()));
    for (const [, options] of CASES) {
      expect(own(providerTokens(StatusModule.forRoot(options)))).toEqual(reference);
      const asyncTokens = own(
        providerTokens(StatusModule.forRootAsync({ useFactory: () => options ?? {} })),
      );
      expect(asyncTokens).toEqual(reference);
    }
  });

  it.each(CASES)(
    'applies the same enhancers from forRoot and forRootAsync with %s',
    async (_case, options) => {
      const fromRoot = await appliedEnhancers(StatusModule.forRoot(options));
      const fromAsync = await appliedEnhancers(
        StatusModule.forRootAsync({ useFactory: async () => options ?? {} }),
      );
      expect(fromAsync.filters).toEqual(fromRoot.filters);
      expect(fromAsync.pipes).toEqual(fromRoot.pipes);
      expect(fromAsync.guards).toEqual(fromRoot.guards);
      expect(fromRoot.interceptors).toEqual([]);
      expect(fromAsync.interceptors).toEqual([]);
      expect(fromAsync.options).toEqual(fromRoot.options);
    },
  );

  it('decides each part where its provider is made: off parts are not applied at all', async () => {
    const defaults = await appliedEnhancers(StatusModule.forRoot());
    expect(defaults.filters).toEqual([StatusExceptionFilter.name]);
    expect(defaults.pipes).toEqual([StatusValidationPipe.name]);
    expect(defaults.guards).toEqual([]); // no authenticator: routes with auth decorators bind it
    const off = await appliedEnhancers(
      StatusModule.forRootAsync({
        useFactory: () => ({ errors: false as const, validation: false as const }),
      }),
    );
    expect(off.filters).toEqual([]);
    expect(off.pipes).toEqual([]);
    const auth = await appliedEnhancers(
      StatusModule.forRootAsync({ useFactory: () => ({ auth: { authenticator: () => 'ada' } }) }),
    );
    expect(auth.guards).toEqual([StatusAuthGuard.name]);
  });

  it('gives the resolved options through @InjectStatusOptions(), defaults filled in and frozen', async () => {
    const { options, token } = await appliedEnhancers(
      StatusModule.forRoot({ errors: { format: 'problem' }, conditional: false }),
    );
    expect(options).toBe(token);
    expect(options.errors).toEqual({
      format: 'problem',
      docsUrl: undefined,
      mappings: [],
      challenge: {},
      methodNotAllowed: true,
    });
    expect(options.conditional).toBe(false);
    expect(options.success).toEqual({ absoluteLocations: false, deleteMissing: 404 });
    expect(options.requestId).toEqual({ header: 'X-Request-Id', generate: undefined });
    expect(options.limits).toEqual({
      body: {
        maxKeys: 1000,
        maxArrayLength: 10000,
        maxStringLength: 1048576,
        maxNodes: 20000,
        maxDepth: 32,
      },
      requestTimeout: 30000,
      maxParamLength: 100,
    });
    expect(options.rateLimit).toBe(false);
    expect(options.pagination).toEqual({ defaultLimit: 20, maxLimit: 100 });
    expect(Object.isFrozen(options)).toBe(true);
    for (const concern of ['errors', 'requestId', 'limits', 'success', 'jobs', 'pagination'])
      expect(Object.isFrozen(options[concern as keyof ResolvedStatusOptions])).toBe(true);
    expect(Object.isFrozen(options.limits.body)).toBe(true);
  });

  it('never freezes what the app passed in', () => {
    const given = { errors: { mappings: [] }, validation: { mediaTypes: ['application/json'] } };
    const resolved = resolveStatusOptions(given);
    expect(Object.isFrozen(given.errors)).toBe(false);
    expect(Object.isFrozen(given.errors.mappings)).toBe(false);
    expect(Object.isFrozen(given.validation.mediaTypes)).toBe(false);
    expect(resolved.validation && Object.isFrozen(resolved.validation.mediaTypes)).toBe(true);
  });

  it('reads the one rule alike everywhere: object on, false off, left out the default', () => {
    expect(resolveStatusOptions({ success: {} }).success).toEqual({
      absoluteLocations: false,
      deleteMissing: 404,
    });
    expect(resolveStatusOptions({ success: false }).success).toBe(false);
    expect(resolveStatusOptions({}).success).toEqual(resolveStatusOptions({ success: {} }).success);
    expect(resolveStatusOptions({ shutdown: false }).shutdown).toBe(false);
    expect(resolveStatusOptions({}).shutdown).toEqual({ drainMs: 10000, retryAfterSeconds: 1 });
    // `undefined` members are left to their defaults, as if not given.
    expect(resolveStatusOptions({ errors: { format: undefined } }).errors).toMatchObject({
      format: 'envelope',
    });
  });

  it('fails at start-up, in one line, on an option of 0.1, naming where it went', () => {
    const old = { format: 'problem', etag: false } as never;
    expect(() => StatusModule.forRoot(old)).toThrow(
      "StatusModule: the option 'format' is now 'errors.format' (see docs/migration.md).",
    );
    expect(() => StatusModule.forRoot({ interceptor: false } as never)).toThrow(
      "StatusModule: the option 'interceptor' is now 'success: false' (see docs/migration.md).",
    );
    expect(() => StatusModule.forRoot({ colour: 'blue' } as never)).toThrow(
      /^StatusModule: unknown option 'colour'; the options are errors, requestId, validation, limits, success, conditional, auth, rateLimit, jobs, pagination, shutdown\.$/,
    );
  });

  it('fails at start-up on a value that is neither an object nor false', async () => {
    expect(() => StatusModule.forRoot({ errors: true } as never)).toThrow(
      'StatusModule: errors takes an object or false; got true.',
    );
    expect(() => StatusModule.forRoot({ requestId: false } as never)).toThrow(
      'StatusModule: requestId takes an object; got false.',
    );
    // From a factory: when the app starts.
    await expect(
      appliedEnhancers(
        StatusModule.forRootAsync({ useFactory: () => ({ filter: false }) as never }),
      ),
    ).rejects.toThrow("StatusModule: the option 'filter' is now 'errors: false'");
  });
});
