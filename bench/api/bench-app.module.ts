import {
  CallHandler,
  DynamicModule,
  ExecutionContext,
  Injectable,
  Module,
  NestInterceptor,
  ValidationPipe,
} from '@nestjs/common';
import { APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { StatusModule } from '../../lib';
import { ItemsController } from './items.controller';

/**
 * `bare`: Nest with its own `ValidationPipe` and nothing else. `ours`: plus `StatusModule.forRoot()`.
 * `noop` (for diagnosis, not in the table): bare plus one global interceptor that does nothing,
 * the floor any interceptor-based library pays for Nest's RxJS pipeline.
 */
export type Variant = 'bare' | 'ours' | 'noop';

/** An interceptor that only passes the call on. */
@Injectable()
class PassThroughInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    return next.handle();
  }
}

/** One hit per hour: after the first request to `/limited`, every one is a 429. */
export const LIMITED_THROTTLE = { ttl: 3_600_000, limit: 1 };

@Module({})
export class BenchAppModule {
  /** The same small API for both variants; only what the variant adds differs. */
  static forVariant(variant: Variant): DynamicModule {
    const throttler = ThrottlerModule.forRoot([LIMITED_THROTTLE]);
    if (variant === 'bare' || variant === 'noop') {
      const pipe = { provide: APP_PIPE, useValue: new ValidationPipe() };
      const noop = { provide: APP_INTERCEPTOR, useClass: PassThroughInterceptor };
      return {
        module: BenchAppModule,
        imports: [throttler],
        controllers: [ItemsController],
        providers: variant === 'noop' ? [pipe, noop] : [pipe],
      };
    }
    return {
      module: BenchAppModule,
      imports: [StatusModule.forRoot(), throttler],
      controllers: [ItemsController],
    };
  }
}
