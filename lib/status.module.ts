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
  ApplicationConfig,
  DiscoveryModule,
  HttpAdapterHost,
  ModuleRef,
  Reflector,
} from '@nestjs/core';
import { AUTH_GUARD_APP_WIDE, StatusAuthGuard } from './auth/status-auth.guard';
import { AuthForbiddenPolicy } from './auth/forbidden-answer';
import { ConditionalEngine } from './conditional/conditional-engine';
import { ETagInterceptor } from './conditional/etag.interceptor';
import { clientErrorAnswers } from './errors/client-error';
import { FORBIDDEN_POLICY } from './errors/forbidden-policy';
import { UriTooLongError } from './errors/request-errors';
import { StatusExceptionFilter } from './errors/status-exception.filter';
import { JobRunner } from './jobs/job-runner';
import { STATUS_OPTIONS } from './options/options.token';
import type { ResolvedStatusOptions, StatusModuleOptions } from './options/status-options';
import { resolveStatusOptions } from './status-options.resolver';
import { AllowedMethods } from './platform/allowed-methods';
import {
  type AdapterPatch,
  PlatformInstaller,
  type PlatformParts,
} from './platform/platform.installer';
import type { ReplyStep } from './platform/reply-hook';
import { RATE_LIMIT_DOOR, RATE_LIMIT_PROVIDERS } from './rate-limit/rate-limit.providers';
import { captureWhereReshaped } from './responses/created-route';
import { successStep } from './responses/success-step';
import { StatusInterceptor } from './responses/status.interceptor';
import { GracefulShutdown } from './shutdown/graceful-shutdown';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  OPTIONS_TYPE,
  STATUS_MODULE_OPTIONS,
} from './status.module-definition';
import { alignBodyMedia, checkRequestsBeforeParsing } from './validation/body-media';
import { StatusValidationPipe } from './validation/status-validation.pipe';

/**
 * The interceptor a `@Created` route gets where another may reshape its body, bound at start-up,
 * after Nest has read the controllers' enhancers: an instance, which Nest runs as it is.
 */
const CREATED_CAPTURE = new StatusInterceptor(new Reflector());

/**
 * Every provider, the same for `forRoot` and `forRootAsync`. A part switched off is decided where
 * its provider is made: its factory gives `null`, which Nest leaves out of the app's enhancers, so
 * no request ever checks a switch. Guards run in this order: rate limit, then auth.
 */
const PROVIDERS: Provider[] = [
  AllowedMethods,
  PlatformInstaller,
  { provide: FORBIDDEN_POLICY, useClass: AuthForbiddenPolicy },
  ConditionalEngine,
  ETagInterceptor,
  StatusInterceptor,
  JobRunner,
  // The DI instance is also the one the platform answers unmatched routes with.
  StatusExceptionFilter,
  {
    provide: APP_FILTER,
    useFactory: (options: ResolvedStatusOptions, filter: StatusExceptionFilter) =>
      options.errors ? filter : null,
    inject: [STATUS_OPTIONS, StatusExceptionFilter],
  },
  {
    provide: APP_PIPE,
    useFactory: (options: ResolvedStatusOptions) =>
      options.validation ? new StatusValidationPipe(options) : null,
    inject: [STATUS_OPTIONS],
  },
  // No app-wide interceptor: Nest's interceptor pipeline alone costs more per request than all
  // our shaping. Successes are shaped where Nest hands them to the adapter (`configure`), and
  // decorated routes bring their own route-scoped interceptor.
  ...RATE_LIMIT_PROVIDERS,
  // Without an authenticator only routes with auth decorators need the guard, and they bind it;
  // with one, the app-wide guard decides and the route bindings stand aside.
  {
    provide: AUTH_GUARD_APP_WIDE,
    useFactory: (options: ResolvedStatusOptions) => !!(options.auth && options.auth.authenticator),
    inject: [STATUS_OPTIONS],
  },
  {
    provide: APP_GUARD,
    useFactory: (
      options: ResolvedStatusOptions,
      appWide: boolean,
      reflector: Reflector,
      moduleRef: ModuleRef,
    ) => (appWide ? new StatusAuthGuard(options, reflector, moduleRef, false) : null),
    inject: [STATUS_OPTIONS, AUTH_GUARD_APP_WIDE, Reflector, ModuleRef],
  },
  GracefulShutdown,
];

/**
 * Import once, in the root module: registers the exception filter, the validation pipe and the
 * guards (rate limit, then auth) app-wide, and shapes successes at the adapter's `reply` (so a
 * `Test.createTestingModule` app behaves like `main.ts`).
 *
 * @example
 * @Module({ imports: [StatusModule.forRoot({ errors: { format: 'problem' }, conditional: { preconditionFailedStatus: 412 } })] })
 * export class AppModule {}
 */
@Module({})
export class StatusModule extends ConfigurableModuleClass implements NestModule {
  constructor(
    private readonly installer: PlatformInstaller,
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly appConfig: ApplicationConfig,
    @Inject(STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
    @Optional()
    @Inject(RATE_LIMIT_DOOR)
    // Its shape, not `RateLimitDoor`: that class's types name `@nestjs/throttler`, an optional peer.
    private readonly rateLimitDoor: AdapterPatch | null = null,
  ) {
    super();
  }

  /** Static options, resolved and checked here: a wrong one fails where `forRoot` is called. */
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    const resolved = resolveStatusOptions(options);
    return withProviders(super.forRoot(options), { provide: STATUS_OPTIONS, useValue: resolved });
  }

  /** Options from a factory (e.g. `ConfigService`), resolved and checked once it has run. */
  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withProviders(super.forRootAsync(options), {
      provide: STATUS_OPTIONS,
      useFactory: (raw: StatusModuleOptions) => resolveStatusOptions(raw),
      inject: [STATUS_MODULE_OPTIONS],
    });
  }

  /**
   * Hands the platform its parts: Nest calls this after the body parsers are registered and
   * before the routes are, the one moment the platform's patches must be installed.
   */
  configure(_consumer: MiddlewareConsumer): void {
    // An app without HTTP (a microservice) has no adapter: nothing below Nest to install.
    if (!this.adapterHost.httpAdapter) return;
    this.installer.install(this.platformParts());
    // The app's own interceptors are known now, and the routes not yet registered.
    const config = this.appConfig;
    const appWide = [...config.getGlobalInterceptors(), ...config.getGlobalRequestInterceptors()];
    captureWhereReshaped(
      appWide.some(Boolean),
      CREATED_CAPTURE,
      (enhancer) => enhancer === StatusInterceptor || enhancer instanceof StatusInterceptor,
    );
  }

  private platformParts(): PlatformParts {
    const options = this.options;
    const adapter = this.adapterHost.httpAdapter;
    const filter = options.errors ? this.moduleRef.get(StatusExceptionFilter) : undefined;
    const steps: ReplyStep[] = [];
    if (options.success) steps.push(successStep(adapter, options.success));
    if (options.conditional) steps.push(this.moduleRef.get(ConditionalEngine).replyStep(adapter));
    return {
      requestId: {
        requestIdHeader: options.requestId.header,
        generateRequestId: options.requestId.generate,
      },
      replySteps: steps.length > 0 ? steps : undefined,
      door: this.rateLimitDoor ?? undefined,
      beforeParsing: {
        install: (target) => {
          if (options.validation) alignBodyMedia(target);
          checkRequestsBeforeParsing(target, options.validation || undefined, {
            head: !!options.errors,
          });
        },
      },
      serverErrors: clientErrorAnswers(options),
      expressRouting: {
        maxParamLength: options.limits.maxParamLength,
        uriTooLong: () => new UriTooLongError(),
      },
      filter,
      conditionals: !!options.conditional,
    };
  }
}

function withProviders(module: DynamicModule, resolved: Provider): DynamicModule {
  return {
    ...module,
    global: true,
    // DiscoveryModule: the JobRunner finds the app's @Processor providers and @Async queues.
    imports: [...(module.imports ?? []), DiscoveryModule],
    providers: [...(module.providers ?? []), resolved, ...PROVIDERS],
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
