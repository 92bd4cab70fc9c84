import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  RequestMethod,
  Type,
} from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { HttpAdapterHost, ModuleRef, Reflector } from '@nestjs/core';
import { defer, map, mergeMap, Observable, switchMap } from 'rxjs';
import {
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from '../errors/domain-errors';
import { CreatedResult } from '../responses/created-result';
import { stateOf } from '../request-state';
import { RESOLVED_STATUS_OPTIONS } from '../status.constants';
import type { ResolvedStatusOptions } from '../status.options';
import { hashBody } from './body-hash';
import { VersionMismatchError } from './conflict-errors';
import {
  CurrentVersionMeta,
  CurrentVersionResolver,
  CurrentVersionSource,
} from './current-version.decorator';
import { EntityTag, formatEntityTag, versionTag } from './entity-tags';
import { ETagMetadata, VersionOf } from './etag.decorator';
import { formatHttpDate, toEpochSeconds } from './http-dates';
import { LastModifiedMetadata } from './last-modified.decorator';
import {
  CurrentValidators,
  evaluatePreconditions,
  FailedCondition,
  hasWritePrecondition,
} from './precondition-evaluator';

type Resolve = (request: any, context: ExecutionContext) => Promise<unknown>;

/** What the interceptor decided once for a handler, so no request repeats the reflection. */
interface ConditionalPlan {
  /** The route answers 2xx (its `@HttpCode` or the method's default): only then are we involved. */
  succeeds: boolean;
  /** `@ETag(fn)`: the tag comes from the resource's version. */
  version?: VersionOf;
  /** Hash the body when there is no version (`@ETag(false)` switches it off). */
  hash: boolean;
  /** `@LastModified(fn)`. */
  lastModified?: (entity: any) => unknown;
  /** Writes answer with the new tag: the route opted in with `@ETag(fn)` or `@CurrentVersion`. */
  tagsWrites: boolean;
  /** `@CurrentVersion`: how writes are guarded. */
  guard?: {
    resolve: Resolve;
    failedStatus: 409 | 412;
    required: boolean;
  };
}

const WRITES = new Set(['PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Conditional requests (RFC 9110 section 13). On GET/HEAD: a strong `ETag` (the resource's
 * version from `@ETag(fn)`, else a hash of the body, serialized once and sent as is),
 * `Last-Modified` from `@LastModified(fn)`, and 304 on a matching `If-None-Match` /
 * `If-Modified-Since`. On PUT/PATCH/DELETE of a route with `@CurrentVersion()`: the current
 * version is read BEFORE the handler, and a failed `If-Match` / `If-Unmodified-Since` /
 * `If-None-Match: *` answers 409 `{ currentVersion }` (or 412) without running it; an
 * unconditional write answers 428 when preconditions are required.
 *
 * Route-scoped, so it sees the handler's raw result. It leaves
 * `null`/`undefined` results and non-2xx routes alone: a 404 stays a 404.
 */
@Injectable()
export class ConditionalInterceptor implements NestInterceptor {
  private readonly plans = new WeakMap<object, ConditionalPlan>();

  constructor(
    @Inject(RESOLVED_STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.options.etag || context.getType() !== 'http') return next.handle();
    const plan = this.planFor(context);
    if (!plan.succeeds) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest();
    const state = stateOf(request);
    if (state.conditionalApplied) return next.handle();
    state.conditionalApplied = true;
    if (!plan.hash && !plan.version) state.noAutoEtag = true;
    const response = http.getResponse();
    const method = String(request.method).toUpperCase();

    if (method === 'GET' || method === 'HEAD') {
      return next
        .handle()
        .pipe(map((result) => this.answerRead(result, plan, request, response, method)));
    }
    if (!WRITES.has(method)) return next.handle();
    const guard = plan.guard;
    const handled = guard
      ? defer(() => this.guardWrite(guard, plan, request, context, method)).pipe(
          switchMap(() => next.handle()),
        )
      : next.handle();
    if (!plan.tagsWrites || method === 'DELETE') return handled;
    return handled.pipe(
      mergeMap((result) => this.tagWrite(result, plan, request, response, context)),
    );
  }

  /** GET/HEAD: tag the result, then answer 304 (or 412) when a precondition says so. */
  private answerRead(
    result: unknown,
    plan: ConditionalPlan,
    request: any,
    response: unknown,
    method: string,
  ): unknown {
    if (result === null || result === undefined) return result;
    const { validators, json } = this.validatorsOf(result, plan);
    if (!validators.etag && validators.lastModified === undefined) return result;
    const outcome = evaluatePreconditions(request.headers, method, validators);
    if (outcome.kind === 'failed') throw this.failure(412, validators, outcome.condition);
    this.setValidators(response, validators);
    if (outcome.kind === 'not-modified') {
      // Nest sends a web Response's status and keeps the headers already set (RFC 9110 15.4.5).
      return new Response(null, { status: 304 });
    }
    return json === undefined ? result : this.sendJson(response, json);
  }

  /** PUT/PATCH/DELETE with `@CurrentVersion`: refuse a stale or unconditional write up front. */
  private async guardWrite(
    guard: NonNullable<ConditionalPlan['guard']>,
    plan: ConditionalPlan,
    request: any,
    context: ExecutionContext,
    method: string,
  ): Promise<void> {
    const conditional = hasWritePrecondition(request.headers);
    // Nothing to check: spare the read.
    if (!conditional && !guard.required) return;
    const entity = await guard.resolve(request, context);
    const exists = entity !== null && entity !== undefined;
    // RFC 9110 13.2.1: a 404 wins over 412/428. A PUT may create, so a missing target is fine.
    if (!exists && method !== 'PUT') throw new NotFoundError();
    if (!conditional) {
      throw new PreconditionRequiredError(
        exists
          ? 'This request must be conditional. Send If-Match with the ETag you last read.'
          : 'This request must be conditional. Send If-None-Match: * to create the resource.',
      );
    }
    const validators: CurrentValidators = exists
      ? this.validatorsOf(entity, plan).validators
      : { exists: false };
    const outcome = evaluatePreconditions(request.headers, method, validators);
    // A write never gets 'not-modified': evaluatePreconditions answers 'failed' instead.
    if (outcome.kind === 'failed')
      throw this.failure(guard.failedStatus, validators, outcome.condition);
  }

  /** A successful PUT/PATCH answers with the new tag: from the result, or re-read for a 204. */
  private async tagWrite(
    result: unknown,
    plan: ConditionalPlan,
    request: any,
    response: unknown,
    context: ExecutionContext,
  ): Promise<unknown> {
    if (result === null) return result;
    if (result instanceof CreatedResult) {
      // An upsert that created: tag the new entity; the reply shaper sends the 201.
      if (result.entity !== null && result.entity !== undefined) {
        this.setValidators(response, this.validatorsOf(result.entity, plan).validators);
      }
      return result;
    }
    if (result === undefined) {
      const entity = plan.guard ? await plan.guard.resolve(request, context) : undefined;
      if (entity !== null && entity !== undefined) {
        this.setValidators(response, this.validatorsOf(entity, plan).validators);
      }
      return result;
    }
    const { validators, json } = this.validatorsOf(result, plan);
    this.setValidators(response, validators);
    return json === undefined ? result : this.sendJson(response, json);
  }

  /** The tag (version, else hash) and date of an entity; `json` when the hash serialized it. */
  private validatorsOf(
    entity: unknown,
    plan: ConditionalPlan,
  ): { validators: CurrentValidators; json?: string } {
    let etag: EntityTag | undefined = plan.version ? versionTag(plan.version(entity)) : undefined;
    let json: string | undefined;
    if (!etag && plan.hash) {
      const hashed = hashBody(entity, this.options.etagHash);
      etag = hashed?.tag;
      json = hashed?.json;
    }
    const lastModified = plan.lastModified ? toEpochSeconds(plan.lastModified(entity)) : undefined;
    return { validators: { exists: true, etag, lastModified }, json };
  }

  private setValidators(response: unknown, validators: CurrentValidators): void {
    const adapter = this.adapterHost.httpAdapter;
    if (validators.etag) adapter.setHeader(response, 'ETag', formatEntityTag(validators.etag));
    if (validators.lastModified !== undefined) {
      adapter.setHeader(response, 'Last-Modified', formatHttpDate(validators.lastModified));
    }
  }

  /** Sends the JSON we serialized to hash, so the body is not serialized a second time. */
  private sendJson(response: unknown, json: string): string {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.getHeader(response, 'Content-Type') === undefined) {
      adapter.setHeader(response, 'Content-Type', JSON_TYPE);
    }
    return json;
  }

  /** 409 `{ currentVersion }` (the guide) or 412 (RFC 9110), with a message a client can act on. */
  private failure(
    status: 409 | 412,
    validators: CurrentValidators,
    condition: FailedCondition,
  ): Error {
    const currentVersion = validators.etag ? validators.etag.opaque : null;
    const current = currentVersion === null ? '' : ` Current version is ${currentVersion}.`;
    const message = !validators.exists
      ? 'Resource does not exist, so it cannot match If-Match. Send If-None-Match: * to create it.'
      : condition === 'if-none-match'
        ? `Resource already exists.${current}`
        : `Resource was modified.${current}`;
    return status === 409
      ? new VersionMismatchError(currentVersion, message)
      : new PreconditionFailedError(message, { currentVersion });
  }

  private planFor(context: ExecutionContext): ConditionalPlan {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (!plan) {
      plan = this.buildPlan(context);
      this.plans.set(handler, plan);
    }
    return plan;
  }

  private buildPlan(context: ExecutionContext): ConditionalPlan {
    const targets = [context.getHandler(), context.getClass()];
    const etag = this.reflector.getAllAndOverride(ETagMetadata, targets);
    const lastModified = this.reflector.getAllAndOverride(LastModifiedMetadata, targets);
    const current = this.reflector.getAllAndOverride(CurrentVersionMeta, targets);
    const status = Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as
      number | undefined;
    const method = Reflect.getMetadata(METHOD_METADATA, context.getHandler()) as
      RequestMethod | undefined;
    const routeStatus = status ?? (method === RequestMethod.POST ? 201 : 200);
    return {
      succeeds: routeStatus >= 200 && routeStatus < 300,
      version: typeof etag === 'function' ? etag : undefined,
      hash: etag !== false,
      lastModified: typeof lastModified === 'function' ? lastModified : undefined,
      tagsWrites: typeof etag === 'function' || current?.source !== undefined,
      guard: current?.source
        ? {
            resolve: this.resolverOf(current.source),
            failedStatus: current.preconditionFailedStatus ?? this.options.preconditionFailedStatus,
            required: current.requirePreconditions ?? this.options.requirePreconditions,
          }
        : undefined,
    };
  }

  /** A function is called as is; a class is looked up once among the app's providers. */
  private resolverOf(source: CurrentVersionSource): Resolve {
    if (!isResolverClass(source)) {
      return async (request, context) => source(request, context);
    }
    let instance: CurrentVersionResolver | undefined;
    return async (request, context) => {
      instance ??= this.findResolver(source);
      return instance.resolve(request, context);
    };
  }

  private findResolver(type: Type<CurrentVersionResolver>): CurrentVersionResolver {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      throw new Error(
        `@CurrentVersion(${type.name}): ${type.name} is not a provider. Add it to the providers of your module.`,
      );
    }
  }
}

function isResolverClass(source: CurrentVersionSource): source is Type<CurrentVersionResolver> {
  return typeof source.prototype?.resolve === 'function';
}
