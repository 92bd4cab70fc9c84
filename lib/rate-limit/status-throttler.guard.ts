import { ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { TooManyRequestsError } from '../errors/domain-errors';
import { stateOf } from '../request-state';
import { RateLimitHeaderFormat, rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers';
import type { ThrottleOutcome } from './rate-limit-headers';

/** The counts of this request so far, kept with the request (the guard is shared by all requests). */
function outcomesOf(request: object): ThrottleOutcome[] {
  const state = stateOf(request);
  return (state.throttle ??= []);
}

/**
 * `@nestjs/throttler`'s guard, counting exactly as it does (same options, storage, `@Throttle()`,
 * `@SkipThrottle()`), but answering as the guide says: `X-RateLimit-*` on every limited response,
 * the 429 included, under names a client knows (never `-<throttler>` suffixes), and the 429 as a
 * `TooManyRequestsError` (envelope, `retryAfter`, `Retry-After` no earlier than the reset).
 * Registered by `StatusModule` (loaded only when `rateLimit` is on, as the throttler is optional).
 */
export class StatusThrottlerGuard extends ThrottlerGuard {
  constructor(
    options: ThrottlerModuleOptions,
    storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    private readonly format: RateLimitHeaderFormat,
  ) {
    super(options, storage, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    // HTTP only: the envelope and the headers mean nothing to websockets or microservices.
    if (context.getType() !== 'http') return true;
    const { req, res } = this.getRequestResponse(context);
    outcomesOf(req).length = 0;
    const allowed = await super.canActivate(context);
    const headers = rateLimitHeaders(outcomesOf(req), this.format, Date.now());
    for (const [name, value] of Object.entries(headers)) {
      this.adapterHost.httpAdapter.setHeader(res, name, value);
    }
    return allowed;
  }

  /** The throttler's own `handleRequest`, keeping the counts instead of writing suffixed headers. */
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const { req } = this.getRequestResponse(context);
    const ignored = throttler.ignoreUserAgents ?? this.commonOptions.ignoreUserAgents;
    const agent = String(req.headers?.['user-agent'] ?? '');
    if (ignored?.some((pattern) => pattern.test(agent))) return true;
    const name = throttler.name ?? 'default';
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    if (throttler.setHeaders ?? this.commonOptions.setHeaders ?? true) {
      outcomesOf(req).push({ name, limit, ttl, ...record });
    }
    if (record.isBlocked) {
      await this.throwThrottlingException(context, { limit, ttl, key, tracker, ...record });
    }
    return true;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const { req } = this.getRequestResponse(context);
    const outcomes = outcomesOf(req);
    const custom = Array.isArray(this.options) ? undefined : this.options.errorMessage;
    const message = custom ? await this.getErrorMessage(context, detail) : undefined;
    const headers = rateLimitHeaders(outcomes, this.format, Date.now());
    // With headers switched off for this throttler, Retry-After still follows its block.
    const retryAfter =
      outcomes.length > 0 ? retryAfterSeconds(outcomes) : Math.max(1, detail.timeToBlockExpire);
    throw new TooManyRequestsError(retryAfter, message, {}, { headers });
  }
}
