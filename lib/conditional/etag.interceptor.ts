import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  Type,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { defer, map, mergeMap, Observable, switchMap } from 'rxjs';
import { NotFoundError, PreconditionRequiredError } from '../errors/domain-errors';
import { StatusResult } from '../platform/status-result';
import { routeStatusOf } from '../platform/framework-internals';
import { STATUS_OPTIONS } from '../options/options.token';
import { DEFAULT_CONDITIONAL } from '../options/status-options';
import { hashBody } from './body-hash';
import { ConditionalEngine, ROUTE_VALIDATORS, type RouteValidators } from './conditional-engine';
import {
  CurrentVersionMeta,
  CurrentVersionResolver,
  CurrentVersionSource,
  ETagMetadata,
  LastModifiedMetadata,
  VersionOf,
} from './conditional.metadata';
import { type EntityTag, versionTag } from './entity-tags';
import { toEpochSeconds } from './http-dates';
import { CurrentValidators, hasWritePrecondition } from './precondition-evaluator';
import type { EtagHash } from '../options/limits.options';

/** What the ETag interceptor reads of the module's options. */
export interface ETagSettings {
  /** `false`: conditional requests are off, and the interceptor lets everything through. */
  conditional:
    false | { hash: EtagHash; preconditionFailedStatus: 409 | 412; requirePreconditions: boolean };
}

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

/**
 * The route-level entry of conditional requests, bound once by `@ETag`, `@LastModified` and
 * `@CurrentVersion`. It supplies the route's validators; the conditional engine decides:
 * - GET/HEAD: the version (`@ETag(fn)`) and date (`@LastModified(fn)`) of the handler's result go
 *   to the engine, which answers 200, 304 or 412 at the reply (`@ETag(false)`: no hash either);
 * - PUT/PATCH/DELETE on a `@CurrentVersion()` route: the current version is read BEFORE the
 *   handler, and a failed `If-Match` / `If-Unmodified-Since` / `If-None-Match: *` answers 409
 *   `{ currentVersion }` (or 412) without running it; an unconditional write answers 428 when
 *   preconditions are required. A successful write answers with its new `ETag`.
 *
 * It leaves `null`/`undefined` results and non-2xx routes alone: a 404 stays a 404.
 */
@Injectable()
export class ETagInterceptor implements NestInterceptor {
  private readonly plans = new WeakMap<object, ConditionalPlan>();
  private readonly settings: Exclude<ETagSettings['conditional'], false>;

  constructor(
    @Inject(STATUS_OPTIONS) options: ETagSettings,
    private readonly engine: ConditionalEngine,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {
    // Decided once: with `conditional: false` the decorators' bindings let everything through.
    if (options.conditional === false) this.intercept = (_context, next) => next.handle();
    this.settings = options.conditional || DEFAULT_CONDITIONAL;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const plan = this.planFor(context);
    if (!plan.succeeds) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest();
    const method = String(request.method).toUpperCase();

    if (method === 'GET' || method === 'HEAD') {
      return next.handle().pipe(
        map((result) => {
          if (result !== null && result !== undefined) {
            ROUTE_VALIDATORS.set(request, this.routeValidators(result, plan));
          }
          return result;
        }),
      );
    }
    if (!WRITES.has(method)) return next.handle();
    const response = http.getResponse();
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

  /** A read's validators for the engine: its version and date; a hash only when it has no version. */
  private routeValidators(result: unknown, plan: ConditionalPlan): RouteValidators {
    const etag: EntityTag | undefined = plan.version ? versionTag(plan.version(result)) : undefined;
    const lastModified = plan.lastModified ? toEpochSeconds(plan.lastModified(result)) : undefined;
    return { etag, lastModified, hash: plan.hash };
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
      ? this.validatorsOf(entity, plan)
      : { exists: false };
    const outcome = this.engine.evaluate(request.headers, method, validators);
    // A write never gets 'not-modified': the engine answers 'failed' instead.
    if (outcome.kind === 'failed')
      throw this.engine.failure(guard.failedStatus, validators, outcome.condition);
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
    const helper = result instanceof StatusResult ? result : undefined;
    let entity = helper ? helper.body : result;
    // A 204 (undefined, or `noContent()`) is tagged with the entity as it now is.
    if (entity === undefined && helper?.status !== 201 && plan.guard) {
      entity = await plan.guard.resolve(request, context);
    }
    if (entity !== null && entity !== undefined) {
      this.engine.setValidators(response, this.validatorsOf(entity, plan));
    }
    return result;
  }

  /** The tag (version, else hash) and date of an entity. */
  private validatorsOf(entity: unknown, plan: ConditionalPlan): CurrentValidators {
    let etag: EntityTag | undefined = plan.version ? versionTag(plan.version(entity)) : undefined;
    if (!etag && plan.hash) etag = hashBody(entity, this.settings.hash)?.tag;
    const lastModified = plan.lastModified ? toEpochSeconds(plan.lastModified(entity)) : undefined;
    return { exists: true, etag, lastModified };
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
    const routeStatus = routeStatusOf(context.getHandler());
    return {
      succeeds: routeStatus >= 200 && routeStatus < 300,
      version: typeof etag === 'function' ? etag : undefined,
      hash: etag !== false,
      lastModified: typeof lastModified === 'function' ? lastModified : undefined,
      tagsWrites: typeof etag === 'function' || current?.source !== undefined,
      guard: current?.source
        ? {
            resolve: this.resolverOf(current.source),
            failedStatus:
              current.preconditionFailedStatus ?? this.settings.preconditionFailedStatus,
            required: current.requirePreconditions ?? this.settings.requirePreconditions,
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
