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
  AbstractHttpAdapter,
  APP_FILTER,
  APP_GUARD,
  APP_PIPE,
  ApplicationConfig,
  DiscoveryModule,
  HttpAdapterHost,
} from '@nestjs/core';
import { StatusAuthGuard } from './auth/status-auth.guard';
import { takeOverExpressConditionals } from './conditional/express-conditionals';
import { StatusExceptionFilter } from './errors/status-exception.filter';
import { JobRunner } from './jobs/job-runner';
import { RATE_LIMIT_DOOR, RATE_LIMIT_PROVIDERS } from './rate-limit/rate-limit.providers';
import { AllowedMethods } from './routing/allowed-methods';
import { RESOLVED_STATUS_OPTIONS } from './status.constants';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableModuleClass,
  OPTIONS_TYPE,
  STATUS_MODULE_OPTIONS,
} from './status.module-definition';
import { ResolvedStatusOptions, resolveOptions, StatusModuleOptions } from './status.options';
import { answerClientErrors } from './errors/client-error';
import { registerFrameworkErrorHandler } from './routing/fastify-framework-errors';
import { answerUnmatchedRoutes } from './routing/unmatched-routes';
import { declareFastifyState } from './request-state';
import { keepJsonBodyOnParseError } from './validation/fastify-json-body';
import { alignBodyMedia, checkRequestsBeforeParsing } from './validation/body-media';
import { alignExpressRouting } from './routing/express-routing';
import { installReplyShaper } from './responses/reply-shaper';
import { alignWithNest12 } from './routing/nest11-adapter-compat';
import { StatusValidationPipe } from './validation/status-validation.pipe';
import { GracefulShutdown } from './shutdown/graceful-shutdown';

/** Parts registered app-wide; `forRoot` leaves out the ones switched off. Guards run in this order. */
type Part = 'filter' | 'validation' | 'interceptor' | 'etag' | 'rateLimit' | 'auth' | 'shutdown';
const PARTS: Record<Part, Provider | Provider[]> = {
  filter: { provide: APP_FILTER, useClass: StatusExceptionFilter },
  validation: { provide: APP_PIPE, useClass: StatusValidationPipe },
  // No app-wide interceptor: Nest's interceptor pipeline alone costs more per request than all
  // our shaping. Successes are shaped where Nest hands them to the adapter (`configure`), and
  // decorated routes bring their own route-scoped interceptor.
  interceptor: [],
  etag: [],
  rateLimit: RATE_LIMIT_PROVIDERS,
  auth: { provide: APP_GUARD, useClass: StatusAuthGuard },
  shutdown: GracefulShutdown,
};

function providers(parts: Part[]): Provider[] {
  return [
    {
      provide: RESOLVED_STATUS_OPTIONS,
      useFactory: (options: StatusModuleOptions) => resolveOptions(options),
      inject: [STATUS_MODULE_OPTIONS],
    },
    AllowedMethods,
    JobRunner,
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
    private readonly adapterHost: HttpAdapterHost,
    private readonly allowedMethods: AllowedMethods,
    @Inject(RESOLVED_STATUS_OPTIONS) private readonly options: StatusModuleOptions,
    private readonly applicationConfig: ApplicationConfig,
    @Optional()
    @Inject(RATE_LIMIT_DOOR)
    // Its shape, not `RateLimitDoor`: that class's types name `@nestjs/throttler`, an optional peer.
    private readonly rateLimitDoor: { install(adapter: AbstractHttpAdapter): void } | null = null,
  ) {
    super();
  }

  /** Registers the parts with static options; a part whose option is `false` is left out. */
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    const resolved = resolveOptions(options);
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

  /** Runs after the body parsers and before the routes are registered. */
  configure(_consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    this.allowedMethods.attach(adapter);
    // First of the early checks: an over-limit client is answered before anything else is read.
    this.rateLimitDoor?.install(adapter);
    const resolved = this.options as ResolvedStatusOptions;
    if (adapter.getType() === 'fastify') declareFastifyState(adapter.getInstance());
    if (resolved.interceptor !== false) installReplyShaper(adapter, resolved);
    // After the shaper, which must see Nest's own `reply`; a no-op on Nest 12.
    alignWithNest12(adapter);
    if (resolved.validation !== false) alignBodyMedia(adapter);
    checkRequestsBeforeParsing(adapter, resolved, {
      head: resolved.filter !== false,
      media: resolved.validation !== false,
    });
    alignExpressRouting(adapter, resolved);
    if (this.options.filter !== false) {
      const filter = new StatusExceptionFilter(resolved, this.adapterHost, this.allowedMethods);
      keepJsonBodyOnParseError(adapter);
      answerClientErrors(adapter.getHttpServer(), resolved);
      answerUnmatchedRoutes(adapter, this.applicationConfig, filter);
      if (adapter.getType() === 'fastify')
        registerFrameworkErrorHandler(adapter.getInstance(), filter);
    }
    if (this.options.etag !== false) takeOverExpressConditionals(adapter);
  }
}

function withProviders(module: DynamicModule, parts: Part[]): DynamicModule {
  return {
    ...module,
    global: true,
    // DiscoveryModule: the JobRunner finds the app's @Processor providers and @Async queues.
    imports: [...(module.imports ?? []), DiscoveryModule],
    providers: [...(module.providers ?? []), ...providers(parts)],
    exports: [...(module.exports ?? []), RESOLVED_STATUS_OPTIONS, AllowedMethods, JobRunner],
  };
}
