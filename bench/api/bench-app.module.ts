import {
  CallHandler,
  DynamicModule,
  ExecutionContext,
  Injectable,
  Module,
  NestInterceptor,
  Provider,
  ValidationPipe,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { StatusModule, StatusModuleOptions } from '../../lib';
import { BareItemsController, OursItemsController, ReadsController } from './items.controller';

/**
 * `bare`: Nest with its own `ValidationPipe` and nothing else. `ours`: `StatusModule.forRoot()`.
 * `noop` (for diagnosis, not in the table): bare plus one global interceptor that does nothing,
 * the floor any interceptor-based library pays for Nest's RxJS pipeline.
 * `floor` (Fastify): bare plus the two headers the contract puts on every tagged GET, set in one
 * adapter hook by `bench/server.ts` (this module is bare's).
 */
export type Variant = 'bare' | 'ours' | 'noop' | 'floor';

/**
 * `plain`: no rate limit. `rate-limited`: one request per hour per client, app-wide, for the 429
 * scenario: bare through `@nestjs/throttler`'s `ThrottlerGuard` as `APP_GUARD`, ours through
 * `StatusModule.forRoot({ rateLimit })` (the same throttler underneath).
 */
export type Profile = 'plain' | 'rate-limited';

/** One hit per hour: after the first request, every one is a 429. */
export const ONE_PER_HOUR = { ttl: 3_600_000, limit: 1 };

/** An interceptor that only passes the call on. */
@Injectable()
class PassThroughInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}

@Module({})
export class BenchAppModule {
  /** The same small API for every variant; only what the variant adds differs. */
  static forVariant(
    variant: Variant,
    profile: Profile = 'plain',
    options: StatusModuleOptions = {},
  ): DynamicModule {
    const limited = profile === 'rate-limited';
    if (variant === 'ours') {
      const rateLimit = limited ? { throttler: { throttlers: [ONE_PER_HOUR] } } : undefined;
      return {
        module: BenchAppModule,
        imports: [StatusModule.forRoot({ ...(rateLimit && { rateLimit }), ...options })],
        controllers: [ReadsController, OursItemsController],
      };
    }
    const providers: Provider[] = [{ provide: APP_PIPE, useValue: new ValidationPipe() }];
    if (variant === 'noop')
      providers.push({ provide: APP_INTERCEPTOR, useClass: PassThroughInterceptor });
    if (limited) providers.push({ provide: APP_GUARD, useClass: ThrottlerGuard });
    return {
      module: BenchAppModule,
      imports: limited ? [ThrottlerModule.forRoot([ONE_PER_HOUR])] : [],
      controllers: [ReadsController, BareItemsController],
      providers,
    };
  }
}
