import {
  DynamicModule,
  Inject,
  MiddlewareConsumer,
  Module,
  NestModule,
  Optional,
  Provider,
} from '@nestjs/common';
import {
  APP_FILTER,
  APP_GUARD,
  APP_PIPE,
  DiscoveryModule,
  HttpAdapterHost,
  ModuleRef,
  Reflector,
} from '@nestjs/core';
import { AUTH_GUARD_APP_WIDE, StatusAuthGuard } from './auth/status-auth.guard';
import { AuthForbiddenPolicy } from './auth/forbidden-answer';
import { ConditionalEngine } from './conditional/conditional-engine';
import { ETagInterceptor } from './conditional/etag.interceptor';
import { checkEtagHash } from './conditional/body-hash';
import { clientErrorAnswers } from './errors/client-error';
import { FORBIDDEN_POLICY } from './errors/forbidden-policy';
import { UriTooLongError } from './errors/request-errors';
import { StatusExceptionFilter } from './errors/status-exception.filter';
import { JobRunner } from './jobs/job-runner';
import { STATUS_OPTIONS } from './options/options.token';
import {
  ResolvedStatusOptions,
  resolveOptions,
  StatusModuleOptions,
} from './options/status-options';
import { mergePageLimits } from './pagination/page-limits';
import { AllowedMethods } from './platform/allowed-methods';
import {
  type AdapterPatch,
  PlatformInstaller,
  type PlatformParts,
} from './platform/platform.installer';
import type { ReplyStep } from './platform/reply-hook';
import { RATE_LIMIT_DOOR, RATE_LIMIT_PROVIDERS } from './rate-limit/rate-limit.providers';
import { successStep } from './responses/success-step';
import { StatusInterceptor } from './responses/status.interceptor';
import { GracefulShutdown } from './shutdown/graceful-shutdown';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  OPTIONS_TYPE,
  STATUS_MODULE_OPTIONS,
} from './status.module-definition';
import { resolveBodyLimits } from './validation/body-limits';
import { alignBodyMedia, checkRequestsBeforeParsing } from './validation/body-media';
import { StatusValidationPipe } from './validation/status-validation.pipe';

/** Parts registered app-wide; `forRoot` leaves out the ones switched off. Guards run in this order. */
type Part = 'filter' | 'validation' | 'interceptor' | 'etag' | 'rateLimit' | 'auth' | 'shutdown';
const PARTS: Record<Part, Provider | Provider[]> = {
  // The DI instance is also the one the platform answers unmatched routes with.
  filter: [StatusExceptionFilter, { provide: APP_FILTER, useExisting: StatusExceptionFilter }],
  validation: { provide: APP_PIPE, useClass: StatusValidationPipe },
  // No app-wide interceptor: Nest's interceptor pipeline alone costs more per request than all
  // our shaping. Successes are shaped where Nest hands them to the adapter (`configure`), and
  // decorated routes bring their own route-scoped interceptor.
  interceptor: [],
  etag: [],
  rateLimit: RATE_LIMIT_PROVIDERS,
  // The route bindings of the auth decorators stand aside while this one decides app-wide.
  auth: [
    {
      provide: APP_GUARD,
      useFactory: (options: ResolvedStatusOptions, reflector: Reflector, moduleRef: ModuleRef) =>
        new StatusAuthGuard(options, reflector, moduleRef, false),
      inject: [STATUS_OPTIONS, Reflector, ModuleRef],
    },
  ],
  shutdown: GracefulShutdown,
};

function providers(parts: Part[]): Provider[] {
  return [
    {
      provide: STATUS_OPTIONS,
      useFactory: (options: StatusModuleOptions) => checkedOptions(options),
      inject: [STATUS_MODULE_OPTIONS],
    },
    AllowedMethods,
    PlatformInstaller,
    { provide: FORBIDDEN_POLICY, useClass: AuthForbiddenPolicy },
    ConditionalEngine,
    ETagInterceptor,
    StatusInterceptor,
    JobRunner,
    { provide: AUTH_GUARD_APP_WIDE, useValue: parts.includes('auth') },
    ...parts.flatMap((part) => PARTS[part]),
  ];
}

/**
 * Import once, in the root module: registers the exception filter, the validation pipe and the
 * guards (rate limit, then auth) app-wide, and shapes successes at the adapter's `reply` (so a
 * `Test.createTestingModule` app behaves like `main.ts`).
 *
 * @example
 * @Module({ imports: [StatusModule.forRoot({ format: 'problem', docsUrl: (code) => `https://docs.example.com/errors/${code}` })] })
 * export class AppModule {}
 */
@Module({})
export class StatusModule extends ConfigurableModuleClass implements NestModule {
  constructor(
    private readonly installer: PlatformInstaller,
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    @Inject(STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
    @Optional()
    @Inject(RATE_LIMIT_DOOR)
    // Its shape, not `RateLimitDoor`: that class's types name `@nestjs/throttler`, an optional peer.
    private readonly rateLimitDoor: AdapterPatch | null = null,
  ) {
    super();
  }

  /** Registers the parts with static options; a part whose option is `false` is left out. */
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    const resolved = checkedOptions(options);
    const parts = (Object.keys(PARTS) as Part[]).filter((part) =>
      // Without an authenticator only routes with auth decorators need the guard, and they add it.
      part === 'auth' ? !!(resolved.auth && resolved.auth.authenticator) : resolved[part] !== false,
    );
    return withProviders(super.forRoot(options), parts);
  }

  /** Options from a factory (e.g. `ConfigService`); every part is registered and checks its option. */
  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withProviders(super.forRootAsync(options), Object.keys(PARTS) as Part[]);
  }

  /**
   * Hands the platform its parts: Nest calls this after the body parsers are registered and
   * before the routes are, the one moment the platform's patches must be installed.
   */
  configure(_consumer: MiddlewareConsumer): void {
    // An app without HTTP (a microservice) has no adapter: nothing below Nest to install.
    if (!this.adapterHost.httpAdapter) return;
    this.installer.install(this.platformParts());
  }

  private platformParts(): PlatformParts {
    const options = this.options;
    const filter = options.filter !== false ? this.moduleRef.get(StatusExceptionFilter) : undefined;
    const steps: ReplyStep[] = [successStep(this.adapterHost.httpAdapter, options)];
    if (options.etag !== false)
      steps.push(this.moduleRef.get(ConditionalEngine).replyStep(this.adapterHost.httpAdapter));
    return {
      requestId: options,
      replySteps: options.interceptor !== false ? steps : undefined,
      door: this.rateLimitDoor ?? undefined,
      beforeParsing: {
        install: (adapter) => {
          if (options.validation !== false) alignBodyMedia(adapter);
          checkRequestsBeforeParsing(adapter, options, {
            head: options.filter !== false,
            media: options.validation !== false,
          });
        },
      },
      serverErrors: clientErrorAnswers(options),
      expressRouting: {
        maxParamLength: options.maxParamLength,
        uriTooLong: () => new UriTooLongError(),
      },
      filter,
      conditionals: options.etag !== false,
    };
  }
}

/** The options with their defaults, each concern's values checked (a wrong one fails at start-up). */
function checkedOptions(options: StatusModuleOptions = {}): ResolvedStatusOptions {
  mergePageLimits(options.pagination); // a wrong page size fails with a hint
  if (options.etagHash !== undefined) checkEtagHash(options.etagHash);
  resolveBodyLimits(options.bodyLimits, options.maxBodyDepth);
  return resolveOptions(options);
}

function withProviders(module: DynamicModule, parts: Part[]): DynamicModule {
  return {
    ...module,
    global: true,
    // DiscoveryModule: the JobRunner finds the app's @Processor providers and @Async queues.
    imports: [...(module.imports ?? []), DiscoveryModule],
    providers: [...(module.providers ?? []), ...providers(parts)],
    exports: [
      ...(module.exports ?? []),
      STATUS_OPTIONS,
      AllowedMethods,
      ConditionalEngine,
      AUTH_GUARD_APP_WIDE,
      JobRunner,
    ],
  };
}
