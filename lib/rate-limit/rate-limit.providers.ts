import type { Provider } from '@nestjs/common';
import { APP_GUARD, HttpAdapterHost, ModuleRef, ModulesContainer, Reflector } from '@nestjs/core';
import type { ThrottlerModuleOptions, ThrottlerStorage } from '@nestjs/throttler';
import { requireOptionalPeer } from '../platform/optional-peer';
import { STATUS_OPTIONS } from '../options/options.token';
import type { ResolvedStatusOptions } from '../options/status-options';
import type { StatusThrottlerGuard } from './status-throttler.guard';

/**
 * Internal: the storage every caller of the rate limit counts with (the guard, and anything
 * counting before routing): the configured one, wrapped in the unavailability policy
 * (`ResilientThrottlerStorage`), or `null` when `rateLimit` is off. A provider, so that the
 * lifecycle hooks of a storage made or given through our options run.
 */
export const RATE_LIMIT_STORAGE = Symbol('nestjs-status.rateLimitStorage');

/** Internal: the guard, shared by `APP_GUARD` and the door. */
const RATE_LIMIT_GUARD = Symbol('nestjs-status.rateLimitGuard');

/** The door (`RateLimitDoor`), or `null` when `rateLimit` is off: `StatusModule` installs it. */
export const RATE_LIMIT_DOOR = Symbol('nestjs-status.rateLimitDoor');

/** `@nestjs/throttler` is an optional peer: it is loaded only when `rateLimit` is on. */
async function loadThrottler() {
  return requireOptionalPeer<typeof import('@nestjs/throttler')>('@nestjs/throttler', 'rateLimit');
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
    // The options' own type is structural (the root's types never name the peer); it is this.
    const own = rateLimit.throttler as ThrottlerModuleOptions | undefined;
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
  inject: [STATUS_OPTIONS, ModuleRef],
};

/** The throttler guard answering as the guide says, or `null` when `rateLimit` is off. */
const guardProvider: Provider = {
  provide: RATE_LIMIT_GUARD,
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
      (rateLimit.throttler as ThrottlerModuleOptions | undefined) ??
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
  inject: [STATUS_OPTIONS, RATE_LIMIT_STORAGE, ModuleRef, Reflector, HttpAdapterHost],
};

/**
 * `APP_GUARD`: the guard, or nothing when `rateLimit` is off. Listed before the auth guard: a
 * flood is refused before any credential is checked.
 */
const appGuardProvider: Provider = { provide: APP_GUARD, useExisting: RATE_LIMIT_GUARD };

/** The door: counts each request as it arrives, with the guard's options and storage. */
const doorProvider: Provider = {
  provide: RATE_LIMIT_DOOR,
  useFactory: async (guard: StatusThrottlerGuard | null, modules: ModulesContainer) => {
    if (!guard) return null;
    const [{ RateLimitDoor }, { RouteTargets }] = await Promise.all([
      import('./rate-limit-door'),
      import('../platform/route-targets'),
    ]);
    return new RateLimitDoor(guard, new RouteTargets(modules));
  },
  inject: [RATE_LIMIT_GUARD, ModulesContainer],
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
export const RATE_LIMIT_PROVIDERS: Provider[] = [
  storageProvider,
  guardProvider,
  appGuardProvider,
  doorProvider,
];
