import { Inject, Injectable } from '@nestjs/common';
import { type AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { STATUS_OPTIONS } from '../options/options.token';
import { DEFAULT_CONDITIONAL } from '../options/status-options';
import { PreconditionFailedError } from '../errors/domain-errors';
import type { OutgoingReply, ReplyStep } from '../platform/reply-hook';
import { RequestSlot } from '../platform/request-state';
import type { EtagHash } from '../options/limits.options';
import { hashBody } from './body-hash';
import { VersionMismatchError } from './conflict-errors';
import { type EntityTag, formatEntityTag } from './entity-tags';
import { formatHttpDate } from './http-dates';
import {
  type CurrentValidators,
  evaluatePreconditions,
  type FailedCondition,
  type PreconditionOutcome,
  PROCEED,
} from './precondition-evaluator';

/** What the engine reads of the module's options. */
export interface ConditionalSettings {
  conditional: false | { hash: EtagHash };
}

/**
 * What a decorated route's ETag interceptor found for this response: the version and date its
 * `@ETag(fn)` / `@LastModified(fn)` give, and whether the body may be hashed when it has no version
 * (`@ETag(false)` says no). Written by the interceptor, read by the engine's reply step.
 */
export interface RouteValidators {
  etag?: EntityTag;
  lastModified?: number;
  hash: boolean;
}

/** Written by the ETag interceptor (decorated routes only); read by the reply step after it. */
export const ROUTE_VALIDATORS = new RequestSlot<RouteValidators>('routeValidators');

/**
 * The one conditional engine (RFC 9110 section 13): decides 200, 304 or 412 for every GET/HEAD,
 * as the reply's last step, and refuses stale writes for the ETag interceptor. Decorators only
 * supply versions and dates (`ROUTE_VALIDATORS`); a route without them is tagged by a hash of its
 * body, serialized once and sent as is.
 */
@Injectable()
export class ConditionalEngine {
  /** How a body without a version of its own is hashed (`conditional.hash`). */
  private readonly hash: EtagHash;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(STATUS_OPTIONS) settings: ConditionalSettings,
  ) {
    this.hash = (settings.conditional || DEFAULT_CONDITIONAL).hash;
  }

  /**
   * The reply step for an adapter, made once when the reply hook is installed: tags a GET/HEAD 200
   * and answers 304 (or throws the 412) as its preconditions say.
   */
  replyStep(adapter: AbstractHttpAdapter): ReplyStep {
    // Fastify lower-cases every header name it is given: given in lower case, nothing is allocated.
    const etagHeader = adapter.getType() === 'fastify' ? 'etag' : 'ETag';
    const algorithm = this.hash;
    return (reply) => {
      if (reply.status !== 200 || reply.body === undefined) return;
      const method = reply.method;
      if (method !== 'GET' && method !== 'HEAD') return;
      const route = ROUTE_VALIDATORS.get(reply.request);
      if (route === undefined) this.tagBody(reply, adapter, etagHeader, algorithm);
      else this.decide(reply, adapter, etagHeader, route);
    };
  }

  /**
   * A route without validators (most of them), tagged by its body's hash: the tag is formatted
   * once, and no validators are built unless the request carries a precondition to weigh.
   */
  private tagBody(
    reply: OutgoingReply,
    adapter: AbstractHttpAdapter,
    etagHeader: string,
    algorithm: EtagHash,
  ): void {
    // A tag the app set itself is the app's to evaluate.
    if (adapter.getHeader(reply.response, etagHeader) !== undefined) return;
    const hashed = hashBody(reply.body, algorithm, reply.bytesAllowed);
    if (hashed === undefined) return;
    if (hashed.json !== undefined) reply.payload = hashed;
    // A hash gives a strong tag: `"opaque"`, without formatEntityTag's checks.
    this.answer(reply, adapter, etagHeader, hashed.tag, '"' + hashed.tag.opaque + '"', undefined);
  }

  /** A decorated route: the interceptor's version and date, else (unless `@ETag(false)`) the hash. */
  private decide(
    reply: OutgoingReply,
    adapter: AbstractHttpAdapter,
    etagHeader: string,
    route: RouteValidators,
  ): void {
    let etag = route.etag;
    const lastModified = route.lastModified;
    if (etag === undefined && route.hash) {
      const hashed = hashBody(reply.body, this.hash, reply.bytesAllowed);
      if (hashed !== undefined) {
        etag = hashed.tag;
        if (hashed.json !== undefined) reply.payload = hashed;
      }
    }
    if (etag === undefined && lastModified === undefined) return;
    const formatted = etag === undefined ? undefined : formatEntityTag(etag);
    this.answer(reply, adapter, etagHeader, etag, formatted, lastModified);
  }

  /** 304 or 412 as the request's preconditions say; on a 200 or 304, the validators' headers. */
  private answer(
    reply: OutgoingReply,
    adapter: AbstractHttpAdapter,
    etagHeader: string,
    etag: EntityTag | undefined,
    formatted: string | undefined,
    lastModified: number | undefined,
  ): void {
    const { request, response } = reply;
    const headers = request.headers;
    const ifNoneMatch = headers['if-none-match'];
    // Only If-Match could stand before If-None-Match (RFC 9110 13.2.2): without it, a cache
    // sending back the very tag gets its 304 without any parsing.
    const fresh =
      ifNoneMatch !== undefined && ifNoneMatch === formatted && headers['if-match'] === undefined;
    if (fresh) {
      reply.status = 304;
    } else if (hasPrecondition(headers)) {
      const validators: CurrentValidators = { exists: true, etag, lastModified };
      const outcome = evaluatePreconditions(headers, reply.method, validators);
      // A 412 carries no validators: they describe a representation it does not send.
      if (outcome.kind === 'failed') throw this.failure(412, validators, outcome.condition);
      if (outcome.kind === 'not-modified') reply.status = 304;
    }
    // A 304 carries the validators a 200 would have (RFC 9110 15.4.5).
    if (formatted !== undefined) adapter.setHeader(response, etagHeader, formatted);
    if (lastModified !== undefined) {
      adapter.setHeader(response, 'Last-Modified', formatHttpDate(lastModified));
    }
  }

  /** RFC 9110 13.2.2's order over the request's preconditions; no header at all: proceed. */
  evaluate(headers: any, method: string, validators: CurrentValidators): PreconditionOutcome {
    return hasPrecondition(headers) ? evaluatePreconditions(headers, method, validators) : PROCEED;
  }

  /** Sets `ETag` and `Last-Modified` from validators (a write's new version). */
  setValidators(response: unknown, validators: CurrentValidators): void {
    if (validators.etag) {
      this.adapterHost.httpAdapter.setHeader(response, 'ETag', formatEntityTag(validators.etag));
    }
    if (validators.lastModified !== undefined) {
      this.adapterHost.httpAdapter.setHeader(
        response,
        'Last-Modified',
        formatHttpDate(validators.lastModified),
      );
    }
  }

  /** 409 `{ currentVersion }` (the guide) or 412 (RFC 9110), with a message a client can act on. */
  failure(status: 409 | 412, validators: CurrentValidators, condition: FailedCondition): Error {
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
}

/** Whether the request carries any of the four preconditions (most carry none). */
function hasPrecondition(headers: any): boolean {
  return (
    headers['if-none-match'] !== undefined ||
    headers['if-match'] !== undefined ||
    headers['if-modified-since'] !== undefined ||
    headers['if-unmodified-since'] !== undefined
  );
}
