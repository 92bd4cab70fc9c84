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
import { RequestSlot } from '../platform/request-state';
import { RateLimitHeaderFormat, rateLimitHeaders, retryAfterSeconds } from './rate-limit-headers';
import type { ThrottleOutcome } from './rate-limit-headers';
import {
  isUncounted,
  RATE_LIMIT_STATUS_HEADER,
  RATE_LIMIT_UNAVAILABLE,
} from './resilient-throttler.storage';

/** What counting found for one request; the guard is shared by all requests. */
interface ThrottleRecord {
  /** The counts of this request so far, for its headers. */
  outcomes: ThrottleOutcome[];
  /** The storage could not count this request (served uncounted, fail open). */
  uncounted: boolean;
  /** Counted at the door (`rate-limit-door.ts`): the route's guard reuses that count. */
  counted: boolean;
  /** The storage failed at the door: the route's guard answers with this, without a second wait. */
  failure: unknown;
}

/** Written by this guard, at the door and then at the route (which runs after the door). */
const THROTTLE = new RequestSlot<ThrottleRecord>('throttle');

function recordOf(request: object): ThrottleRecord {
  let record = THROTTLE.get(request);
  if (record === undefined) {
    record = { outcomes: [], uncounted: false, counted: false, failure: undefined };
    THROTTLE.set(request, record);
  }
  return record;
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
    const record = recordOf(req);
    // Counted at the door, before the body was read: that count (and its headers) stands.
    if (record.counted) return true;
    if (record.failure !== undefined) throw record.failure;
    record.outcomes.length = 0;
    record.uncounted = false;
    const allowed = await super.canActivate(context);
    const adapter = this.adapterHost.httpAdapter;
    if (record.uncounted) {
      // Served uncounted (the storage is unavailable): say so, rather than counts it cannot know.
      adapter.setHeader(res, RATE_LIMIT_STATUS_HEADER, RATE_LIMIT_UNAVAILABLE);
      return allowed;
    }
    const headers = rateLimitHeaders(record.outcomes, this.format, Date.now());
    for (const name in headers) adapter.setHeader(res, name, headers[name]);
    return allowed;
  }

  /**
   * Counts a request at the door (`rate-limit-door.ts`), with the context of the route it will
   * reach (or of unmatched requests), exactly as `canActivate` would: throws the 429 when over the
   * limit. Whatever else fails (the storage) is kept for `canActivate` to answer with, so the
   * request goes on to its route and the storage is not asked twice.
   */
  async countAtDoor(context: ExecutionContext): Promise<void> {
    const record = recordOf(this.getRequestResponse(context).req);
    try {
      await this.canActivate(context);
    } catch (error) {
      if (!(error instanceof TooManyRequestsError)) {
        record.failure = error;
        return;
      }
      record.counted = true;
      throw error;
    }
    record.counted = true;
  }

  /** The throttler's own `handleRequest`, keeping the counts instead of writing suffixed headers. */
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const req = context.switchToHttp().getRequest();
    const ignored = throttler.ignoreUserAgents ?? this.commonOptions.ignoreUserAgents;
    if (ignored !== undefined && ignored.length > 0) {
      const agent = String(req.headers?.['user-agent'] ?? '');
      if (ignored.some((pattern) => pattern.test(agent))) return true;
    }
    const name = throttler.name ?? 'default';
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    if (isUncounted(record)) {
      recordOf(req).uncounted = true;
      return true;
    }
    const outcomes = recordOf(req).outcomes;
    if (throttler.setHeaders ?? this.commonOptions.setHeaders ?? true) {
      outcomes.push({
        name,
        limit,
        ttl,
        totalHits: record.totalHits,
        timeToExpire: record.timeToExpire,
        isBlocked: record.isBlocked,
        timeToBlockExpire: record.timeToBlockExpire,
      });
    }
    if (!record.isBlocked) return true;
    const detail: ThrottlerLimitDetail = { limit, ttl, key, tracker, ...record };
    // A message of the user's may be async (`errorMessage` as a function); else thrown from here,
    // without one more rejected promise to pass along.
    if (this.hasErrorMessage()) await this.throwThrottlingException(context, detail);
    throw this.tooManyRequests(outcomes, detail);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const outcomes = recordOf(context.switchToHttp().getRequest()).outcomes;
    const message = this.hasErrorMessage()
      ? await this.getErrorMessage(context, detail)
      : undefined;
    throw this.tooManyRequests(outcomes, detail, message);
  }

  private hasErrorMessage(): boolean {
    return !Array.isArray(this.options) && Boolean(this.options.errorMessage);
  }

  /** The 429: `X-RateLimit-*` of this request's counts, `Retry-After` no earlier than the reset. */
  private tooManyRequests(
    outcomes: readonly ThrottleOutcome[],
    detail: ThrottlerLimitDetail,
    message?: string,
  ): TooManyRequestsError {
    const headers = rateLimitHeaders(outcomes, this.format, Date.now());
    // With headers switched off for this throttler, Retry-After still follows its block.
    const retryAfter =
      outcomes.length > 0 ? retryAfterSeconds(outcomes) : Math.max(1, detail.timeToBlockExpire);
    return new TooManyRequestsError(retryAfter, message, undefined, { headers });
  }
}
