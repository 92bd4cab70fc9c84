import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { StatusModule } from '../../lib';
import { ItemsController } from './items.controller';

/** `bare`: Nest with its own `ValidationPipe` and nothing else. `ours`: plus `StatusModule.forRoot()`. */
export type Variant = 'bare' | 'ours';

/** One hit per hour: after the first request to `/limited`, every one is a 429. */
export const LIMITED_THROTTLE = { ttl: 3_600_000, limit: 1 };

@Module({})
export class BenchAppModule {
  /** The same small API for both variants; only what the variant adds differs. */
  static forVariant(variant: Variant): DynamicModule {
    const throttler = ThrottlerModule.forRoot([LIMITED_THROTTLE]);
    if (variant === 'bare') {
      return {
        module: BenchAppModule,
        imports: [throttler],
        controllers: [ItemsController],
        providers: [{ provide: APP_PIPE, useValue: new ValidationPipe() }],
      };
    }
    return {
      module: BenchAppModule,
      imports: [StatusModule.forRoot(), throttler],
      controllers: [ItemsController],
    };
  }
}
