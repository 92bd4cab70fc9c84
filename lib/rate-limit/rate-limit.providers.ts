import type { Provider } from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost, ModuleRef, Reflector } from '@nestjs/core';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { RESOLVED_STATUS_OPTIONS } from '../status.constants';
import type { ResolvedStatusOptions } from '../status.options';

/**
 * Internal: the storage every caller of the rate limit counts with (the guard, and anything
 * counting before routing): the configured one, wrapped in the unavailability policy
 * (`ResilientThrottlerStorage`), or `null` when `rateLimit` is off. A provider, so that the
 * lifecycle hooks of a storage made or given through our options run.
 */
export const RATE_LIMIT_STORAGE = Symbol('nestjs-status.rateLimitStorage');

/** `@nestjs/throttler` is an optional peer: it is loaded only when `rateLimit` is on. */
function loadThrottler() {
  return import('@nestjs/throttler');
}

/**
 * The storage of `rateLimit.throttler` (its `storage`, else throttler's in-memory one), else the
 * app's own `ThrottlerModule`'s; any but the in-memory one (which cannot be unavailable) wrapped
 * in the policy of `whenUnavailable`.
 */
const storageProvider: Provider = {
  provide: RATE_LIMIT_STORAGE,
  useFactory: async (options: ResolvedStatusOptions, moduleRef: ModuleRef) => {
    const { rateLimit } = options;
    if (!rateLimit) return null;
    const throttler = await loadThrottler();
    const own = rateLimit.throttler;
    const storage = own
      ? (!Array.isArray(own) && own.storage) || new throttler.ThrottlerStorageService()
      : fromAppModule<ThrottlerStorage>(moduleRef, throttler.getStorageToken());
    if (storage instanceof throttler.ThrottlerStorageService) return storage;
    const { ResilientThrottlerStorage } = await import('./resilient-throttler.storage');
    return new ResilientThrottlerStorage(
      storage,
      {
        whenUnavailable: rateLimit.whenUnavailable ?? 'allow',
        timeout: rateLimit.storageTimeout ?? 500,
        retryAfter: rateLimit.unavailableRetryAfter ?? 1,
      },
      own !== undefined,
    );
  },
  inject: [RESOLVED_STATUS_OPTIONS, ModuleRef],
};

/**
 * `APP_GUARD`: the throttler guard answering as the guide says, or nothing when `rateLimit` is
 * off. Listed before the auth guard: a flood is refused before any credential is checked.
 */
const guardProvider: Provider = {
  provide: APP_GUARD,
  useFactory: async (
    options: ResolvedStatusOptions,
    storage: ThrottlerStorage,
    moduleRef: ModuleRef,
    reflector: Reflector,
    adapterHost: HttpAdapterHost,
  ) => {
    const { rateLimit } = options;
    if (!rateLimit) return null;
    const throttler = await loadThrottler();
    const throttlerOptions =
      rateLimit.throttler ??
      fromAppModule<ThrottlerModuleOptions>(moduleRef, throttler.getOptionsToken());
    const guard = new (await import('./status-throttler.guard')).StatusThrottlerGuard(
      throttlerOptions,
      storage,
      reflector,
      adapterHost,
      {
        resetFormat: rateLimit.resetFormat ?? 'epoch',
        ietfHeaders: rateLimit.ietfHeaders ?? false,
      },
    );
    await guard.onModuleInit();
    return guard;
  },
  inject: [RESOLVED_STATUS_OPTIONS, RATE_LIMIT_STORAGE, ModuleRef, Reflector, HttpAdapterHost],
};

function fromAppModule<T>(moduleRef: ModuleRef, token: string | symbol): T {
  try {
    return moduleRef.get<T>(token, { strict: false });
  } catch {
    throw new Error(
      'StatusModule: rateLimit is on but has no throttler options. Pass them, as in ' +
        'rateLimit: { throttler: { throttlers: [{ limit: 100, ttl: 60_000 }] } }, ' +
        'or import ThrottlerModule.forRoot(...) in the app.',
    );
  }
}

/** The providers of the `rateLimit` part. */
export const RATE_LIMIT_PROVIDERS: Provider[] = [storageProvider, guardProvider];
