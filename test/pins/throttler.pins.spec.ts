/**
 * Pins on @nestjs/throttler's `ThrottlerGuard` internals that the library's guard overrides or
 * reads (the protected members are typed, so tsc pins their names; these pin what they do): each
 * test names the surface and says which file of `lib/` relies on it. Built from the package alone.
 */
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ThrottlerGuard, ThrottlerStorageService, type ThrottlerRequest } from '@nestjs/throttler';

class Route {
  handle(): void {}
}

class RecordingGuard extends ThrottlerGuard {
  readonly requests: ThrottlerRequest[] = [];

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    this.requests.push(request);
    return true;
  }
}

describe("ThrottlerGuard's extension points", () => {
  const storage = new ThrottlerStorageService();
  afterAll(() => storage.onApplicationShutdown());

  // lib/rate-limit/status-throttler.guard.ts counts in its own handleRequest, once per throttler.
  it('canActivate calls handleRequest once per throttler with context, limit, ttl, throttler, blockDuration, getTracker, generateKey', async () => {
    const guard = new RecordingGuard(
      [
        { name: 'short', limit: 3, ttl: 1000 },
        { name: 'long', limit: 10, ttl: 60_000 },
      ],
      storage,
      new Reflector(),
    );
    await guard.onModuleInit();
    const req = { ip: '127.0.0.1', headers: {} };
    const res = { header: () => undefined };
    const context = new ExecutionContextHost([req, res], Route, Route.prototype.handle);
    expect(await guard.canActivate(context)).toBe(true);
    expect(guard.requests.map((r) => [r.throttler.name, r.limit, r.ttl])).toEqual([
      ['short', 3, 1000],
      ['long', 10, 60_000],
    ]);
    const [first] = guard.requests;
    expect(first.context).toBe(context);
    expect(typeof first.blockDuration).toBe('number');
    expect(typeof first.getTracker).toBe('function');
    expect(typeof first.generateKey).toBe('function');
    expect(await first.getTracker(req, context)).toBe('127.0.0.1');
    expect(typeof first.generateKey(context, '127.0.0.1', 'short')).toBe('string');
  });

  // lib/rate-limit/status-throttler.guard.ts reads these for user agents, headers and messages.
  it('after onModuleInit: commonOptions, storageService and options are set; getRequestResponse gives { req, res }', async () => {
    const options = { throttlers: [{ limit: 1, ttl: 1000 }], setHeaders: false };
    const guard: any = new ThrottlerGuard(options, storage, new Reflector());
    await guard.onModuleInit();
    expect(guard.options).toBe(options);
    expect(guard.storageService).toBe(storage);
    expect(guard.commonOptions).toMatchObject({ setHeaders: false });
    const req = {};
    const res = {};
    const context = new ExecutionContextHost([req, res], Route, Route.prototype.handle);
    expect(guard.getRequestResponse(context)).toEqual({ req, res });
  });
});
