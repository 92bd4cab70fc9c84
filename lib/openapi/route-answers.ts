import type { Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import {
  AccessMetadata,
  AuthorizeMetadata,
  HideForbiddenMetadata,
  RolesMetadata,
} from '../auth/access.metadata';
import {
  CurrentVersionMeta,
  ETagMetadata,
  LastModifiedMetadata,
} from '../conditional/conditional.metadata';
import { getMetadataStorage } from 'class-validator';
import { DomainError } from '../errors/domain-errors';
import { StatusAuthGuard } from '../auth/status-auth.guard';
import { guardsOf } from '../platform/framework-internals';
import { constraintCode } from '../validation/field-problems';
import { AsyncMetadata, JobStatusMetadata } from '../jobs/job-rules';
import { PageQuery } from '../pagination/page-query.dto';
import { PaginatedRoute } from '../pagination/paginated-route.metadata';
import { SuccessRuleMetadata } from '../responses/success-rules';
import type { ResolvedStatusOptions } from '../options/status-options';
import type { SchemaObject } from './error-schemas';
import type { StatusHeader } from './response-headers';
import { MayCreateMetadata, ThrowsMetadata, type ThrownError } from './throws.decorator';

/** A class a route parameter is bound to (`design:paramtypes`). */
export type BoundType = abstract new (...args: never[]) => unknown;

/** Nest's `RouteParamtypes` for `@Body()`, `@Query()`, `@Param()` (stable across Nest 11 and 12). */
const BODY_PARAM = 3;
const QUERY_PARAM = 4;
const PATH_PARAM = 5;

/** One answer a route may give: its status, headers, and what its body is. */
export interface Answer {
  status: number;
  /** Why the route answers this, for the reader of the document. */
  reasons: string[];
  headers: Set<StatusHeader>;
  /** Headers every answer of this status carries (`required: true`). */
  required: Set<StatusHeader>;
  /** `error`: the error schema; `none`: no body; `keep`: whatever swagger documented; or a schema. */
  body: 'error' | 'none' | 'keep' | SchemaObject;
  /** Error codes this status can carry on this route. */
  codes: Set<string>;
  /** Extra members of the error body (`field`, `currentVersion`). */
  extras: Record<string, SchemaObject>;
}

/** What the builder knows of one route. */
export interface RouteFacts {
  controller: Type<unknown>;
  handler: (...args: unknown[]) => unknown;
  methodKey: string;
  /** Lower-case HTTP method, as in the document. */
  method: string;
  /** Path parameters (`id`, `jobId`). */
  pathParams: string[];
  /** Statuses the route's own `@ApiResponse` decorators list (swagger's defaults not). */
  documented?: number[];
}

/** The DTO classes a route binds its body and query to (`undefined` when it takes none). */
export function boundTypes(facts: RouteFacts): {
  body?: BoundType;
  query?: BoundType;
  params?: BoundType;
} {
  const args: Record<string, { index: number; data?: unknown }> =
    Reflect.getMetadata(ROUTE_ARGS_METADATA, facts.controller, facts.methodKey) ?? {};
  const types: BoundType[] =
    Reflect.getMetadata('design:paramtypes', facts.controller.prototype, facts.methodKey) ?? [];
  const found: { body?: BoundType; query?: BoundType; params?: BoundType } = {};
  for (const [key, arg] of Object.entries(args)) {
    const kind = Number(key.split(':')[0]);
    // `@Body('name')` binds one member: the body is still parsed and checked.
    const type = arg.data === undefined ? types[arg.index] : Object;
    if (kind === BODY_PARAM) found.body = type ?? Object;
    if (kind === QUERY_PARAM && arg.data === undefined) found.query = type;
    if (kind === PATH_PARAM && arg.data === undefined) found.params = type;
  }
  return found;
}

/** A class the validation pipe checks (not `Object`, `String`, ...). */
function isDto(type: BoundType | undefined): type is BoundType {
  return (
    typeof type === 'function' &&
    ![Object, String, Number, Boolean, Array].includes(type as ObjectConstructor)
  );
}

/** `retryAfter` in an error body: the seconds of `Retry-After`. */
const RETRY_AFTER: SchemaObject = { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 };

/** `currentVersion`: the resource's version as `@ETag` reads it, a number or a string. */
const CURRENT_VERSION: SchemaObject = {
  description: 'The version `@ETag` reads from the resource (a number, a string, ...).',
};

const JOB_BODY: SchemaObject = {
  type: 'object',
  required: ['jobId', 'status', 'statusUrl'],
  properties: {
    jobId: { type: 'string', maxLength: 200 },
    status: { type: 'string', enum: ['queued'] },
    statusUrl: { type: 'string', maxLength: 2048 },
  },
};

const JOB_STATUS_BODY: SchemaObject = {
  type: 'object',
  required: ['jobId', 'status'],
  properties: {
    jobId: { type: 'string', maxLength: 200 },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
    progress: { description: 'What the job last reported: a number or an object.' },
    createdAt: { type: 'string', format: 'date-time', maxLength: 64 },
    startedAt: { type: 'string', format: 'date-time', maxLength: 64 },
    resultUrl: { type: 'string', maxLength: 2048 },
    result: { description: 'What the job produced.' },
    error: { type: 'object', description: 'The error body the job would have answered with.' },
  },
};

const count: SchemaObject = {
  type: 'integer',
  format: 'int64',
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
};

const PAGE_BODY: SchemaObject = {
  type: 'object',
  required: ['data', 'pagination'],
  properties: {
    data: { type: 'array', maxItems: 1000, items: {} },
    pagination: {
      type: 'object',
      required: ['limit', 'hasNext'],
      description:
        'Offset pages: page, limit, totalPages, totalCount, hasNext, hasPrev. Cursor pages: limit, hasNext, nextCursor, totalCount?.',
      properties: {
        page: count,
        limit: count,
        totalPages: count,
        totalCount: count,
        hasNext: { type: 'boolean' },
        hasPrev: { type: 'boolean' },
        nextCursor: { type: 'string', nullable: true, maxLength: 2048 },
      },
    },
  },
};

/** The reason of an answer the route lists itself with swagger's `@ApiResponse`. */
export const DECLARED = 'documented with @ApiResponse';

/** Collects the answers of one route, merging reasons, codes and headers per status. */
class Answers {
  readonly byStatus = new Map<number, Answer>();

  add(
    status: number,
    reason: string,
    options: {
      headers?: StatusHeader[];
      required?: StatusHeader[];
      body?: Answer['body'];
      codes?: string[];
      extras?: Record<string, SchemaObject>;
    } = {},
  ): void {
    let answer = this.byStatus.get(status);
    if (!answer) {
      answer = {
        status,
        reasons: [],
        headers: new Set(),
        required: new Set(),
        body: options.body ?? (status >= 400 ? 'error' : 'keep'),
        codes: new Set(),
        extras: {},
      };
      this.byStatus.set(status, answer);
    }
    if (!answer.reasons.includes(reason)) answer.reasons.push(reason);
    for (const h of options.headers ?? []) answer.headers.add(h);
    for (const h of options.required ?? []) {
      answer.headers.add(h);
      answer.required.add(h);
    }
    for (const c of options.codes ?? []) answer.codes.add(c);
    Object.assign(answer.extras, options.extras);
  }
}

/**
 * Everything this library will answer on one route, derived from the metadata its decorators
 * wrote (the same the guards, pipes and interceptors read) and the module's resolved options.
 */
export function routeAnswers(facts: RouteFacts, options: ResolvedStatusOptions): Answer[] {
  const reflector = new Reflector();
  const targets = [facts.handler, facts.controller];
  const get = <T>(decorator: { KEY: string }): T | undefined =>
    reflector.getAllAndOverride(decorator as never, targets) as T | undefined;
  const method = facts.method.toUpperCase();
  const answers = new Answers();
  const hasId = facts.pathParams.length > 0;

  // Successes.
  const bound = boundTypes(facts);
  const rule =
    get<{ created?: object; noContent?: true; deleteMissing?: 404 | 204 }>(SuccessRuleMetadata) ??
    {};
  const asyncRule = get<object>(AsyncMetadata);
  const jobStatus = get<{ doneStatus?: 303 | 200 }>(JobStatusMetadata);
  const paginated = get<object>(PaginatedRoute) !== undefined;
  const etagRule = get<unknown>(ETagMetadata);
  const lastModified = get<unknown>(LastModifiedMetadata) !== undefined;
  const current = get<{ preconditionFailedStatus?: 409 | 412; requirePreconditions?: boolean }>(
    CurrentVersionMeta,
  );
  const httpCode: number | undefined = Reflect.getMetadata(HTTP_CODE_METADATA, facts.handler);
  const tagged = options.conditional !== false && etagRule !== false;
  const isRead = method === 'GET' || method === 'HEAD';
  // A read is tagged by default (a hash of its body); a write only with its resource's version.
  const tagHeaders: StatusHeader[] =
    tagged && method !== 'DELETE' && (isRead || etagRule !== undefined) ? ['ETag'] : [];
  if (tagHeaders.length > 0 && lastModified) tagHeaders.push('Last-Modified');

  if (asyncRule) {
    answers.add(202, 'an @Async job is accepted', { required: ['Location'], body: JOB_BODY });
    answers.add(503, 'the job cannot start before its deadline, or the job store does not answer', {
      required: ['Retry-After'],
      codes: ['JOBS_BUSY', 'JOBS_UNAVAILABLE'],
      extras: { retryAfter: RETRY_AFTER },
    });
  } else if (jobStatus) {
    answers.add(200, 'the job is pending (with Retry-After), succeeded or failed', {
      headers: ['Retry-After'],
      required: ['Cache-Control'],
      body: JOB_STATUS_BODY,
    });
    if (jobStatus.doneStatus !== 200) {
      answers.add(303, 'the job produced a resource: follow Location', {
        required: ['Location', 'Cache-Control'],
        body: JOB_STATUS_BODY,
      });
    }
    answers.add(404, 'unknown or expired job', { codes: ['JOB_NOT_FOUND'] });
    answers.add(503, 'the job store does not answer', {
      required: ['Retry-After'],
      codes: ['JOBS_UNAVAILABLE'],
    });
  } else if (rule.noContent || httpCode === 204) {
    answers.add(204, 'no content', { headers: tagHeaders, body: 'none' });
  } else if (rule.created) {
    answers.add(201, '@Created', { required: ['Location'], headers: tagHeaders });
  } else if (paginated) {
    answers.add(200, 'one page of the list', {
      // No `Link` when there is no page to link to; no count on a cursor page that took none.
      required: countsPages(bound.query) ? ['X-Total-Count'] : [],
      headers: ['Link', 'X-Total-Count', ...tagHeaders],
      body: PAGE_BODY,
    });
  } else {
    const status = httpCode ?? (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200);
    answers.add(status, 'the handler succeeded', {
      headers: tagHeaders,
      body: status === 204 ? 'none' : 'keep',
    });
  }
  const mayCreate = get<{ location?: string }>(MayCreateMetadata);
  if (mayCreate)
    answers.add(201, 'created() by an upsert', { required: ['Location'], headers: tagHeaders });

  // Conditional requests.
  if (isRead && tagged) {
    answers.add(304, 'If-None-Match (or If-Modified-Since) matches', {
      headers: tagHeaders,
      body: 'none',
    });
    answers.add(412, 'If-Match fails', { codes: ['PRECONDITION_FAILED'] });
  }
  if (current && !isRead) {
    const conditional = options.conditional || undefined;
    const failed = current.preconditionFailedStatus ?? conditional?.preconditionFailedStatus ?? 409;
    answers.add(failed, 'If-Match / If-Unmodified-Since is stale (@CurrentVersion)', {
      codes: [failed === 409 ? 'VERSION_MISMATCH' : 'PRECONDITION_FAILED'],
      extras: { currentVersion: CURRENT_VERSION },
    });
    if (current.requirePreconditions ?? conditional?.requirePreconditions) {
      answers.add(428, 'a write without If-Match (@CurrentVersion requires it)', {
        codes: ['PRECONDITION_REQUIRED'],
      });
    }
  }

  // Input.
  if (bound.body !== undefined || (asyncRule && method !== 'GET')) {
    answers.add(400, 'malformed JSON body', {
      codes: ['MALFORMED_JSON', 'MISSING_BODY', 'BAD_REQUEST'],
    });
    answers.add(413, 'body larger than the limit, or too complex', {
      codes: ['CONTENT_TOO_LARGE', 'BODY_TOO_COMPLEX'],
    });
  }
  // The media check runs before routing, on any request that carries a body: a route that takes
  // none still answers 415 to a body in a type the app does not take.
  if ((bound.body !== undefined || !isRead) && options.validation !== false) {
    answers.add(415, 'body in a media type the app does not take', {
      codes: ['UNSUPPORTED_MEDIA_TYPE'],
    });
  }
  if (
    options.validation !== false &&
    (isDto(bound.body) || isDto(bound.query) || isDto(bound.params))
  ) {
    answers.add(422, 'a validated body, query or path breaks its rules', {
      codes: [
        'VALIDATION_FAILED',
        ...fieldCodes(bound.body),
        ...fieldCodes(bound.query),
        ...fieldCodes(bound.params),
      ],
    });
    if (isDto(bound.body))
      answers.add(400, 'a body that is not a JSON object', { codes: ['INVALID_BODY'] });
  }
  if (isDto(bound.query) && options.validation !== false) {
    answers.add(414, 'query too complex', { codes: ['QUERY_TOO_COMPLEX'] });
  }
  if (hasId) {
    answers.add(404, 'the path names no resource', { codes: ['NOT_FOUND'] });
    answers.add(414, 'a path parameter longer than maxParamLength', { codes: ['URI_TOO_LONG'] });
  }
  if (
    method === 'DELETE' &&
    (rule.deleteMissing ?? (options.success ? options.success.deleteMissing : 404)) === 404 &&
    hasId
  ) {
    answers.add(404, 'DELETE of a resource that does not exist', {});
  }

  // Auth. A 403 comes from our roles and permissions, from a guard of the app's own
  // (`@UseGuards`: Nest answers its `false` with 403) or from a thrown 403 error (`@Throws`).
  const thrown = (get<ThrownError[]>(ThrowsMetadata) ?? []).map((error) => ({
    error,
    described: describeError(error),
  }));
  const ownGuards = targets.some((t) => guardsOf(t).some((g) => g !== StatusAuthGuard));
  if (options.auth !== false) {
    const access = get<'public' | 'authenticated'>(AccessMetadata);
    const roles = get<object>(RolesMetadata);
    const authorize = get<object>(AuthorizeMetadata);
    const hidden = get<object>(HideForbiddenMetadata) !== undefined;
    const throwsForbidden = thrown.some((t) => t.described?.status === 403);
    const defaultAccess =
      options.auth.defaultAccess ?? (options.auth.authenticator ? 'authenticated' : 'public');
    const needsCaller =
      roles ||
      authorize ||
      access === 'authenticated' ||
      (access === undefined && defaultAccess === 'authenticated');
    // The filter answers any 403 to an anonymous caller with 401 when it can tell who calls.
    const anonymousForbidden = throwsForbidden && options.auth.authenticator !== undefined;
    if ((needsCaller && access !== 'public') || anonymousForbidden) {
      answers.add(401, 'no, bad or expired credentials', {
        required: ['WWW-Authenticate'],
        codes: ['UNAUTHENTICATED', 'INVALID_TOKEN', 'TOKEN_EXPIRED'],
      });
    }
    if (roles || authorize) {
      if (hidden) answers.add(404, 'forbidden answered as not found (@HideForbidden)', {});
      else answers.add(403, 'the caller lacks the role or permission', { codes: ['FORBIDDEN'] });
    } else if (hidden) {
      answers.add(404, 'forbidden answered as not found (@HideForbidden)', {});
    }
  }
  if (ownGuards) {
    // A guard of the app's own (Passport's `AuthGuard`) may throw 401 itself: the filter adds the
    // challenge to every 401.
    answers.add(401, "a guard of the app's own refuses the credentials (@UseGuards)", {
      required: ['WWW-Authenticate'],
      codes: ['UNAUTHENTICATED'],
    });
    // Under @HideForbidden (auth on), its 403 is the 404 above.
    if (options.auth === false || get<object>(HideForbiddenMetadata) === undefined)
      answers.add(403, "a guard of the app's own refuses (@UseGuards)", { codes: ['FORBIDDEN'] });
  }

  // Declared domain errors.
  for (const { error, described } of thrown) {
    if (described) {
      answers.add(described.status, `throws ${error.name}`, {
        codes: [described.code],
        extras: described.extras,
        required:
          described.status === 401
            ? ['WWW-Authenticate']
            : described.status === 503 || described.status === 429
              ? ['Retry-After']
              : [],
      });
    }
  }

  // Everywhere.
  if (options.rateLimit !== false && !skipsThrottling(targets)) {
    answers.add(429, 'over the rate limit', {
      required: ['Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'],
      codes: ['RATE_LIMIT_EXCEEDED'],
      extras: { retryAfter: RETRY_AFTER },
    });
  }
  if (options.shutdown !== false) {
    answers.add(503, 'the server is shutting down', {
      required: ['Retry-After'],
      codes: ['SHUTTING_DOWN'],
      extras: { retryAfter: RETRY_AFTER },
    });
  }
  if (options.errors !== false) {
    // The request head is checked before any route runs (RFC 9112): on every operation alike.
    answers.add(400, 'a request head the server cannot serve (no Host, unframed body)', {
      codes: ['INVALID_HOST', 'INVALID_TRANSFER_ENCODING'],
    });
    answers.add(417, 'an Expect other than 100-continue', { codes: ['EXPECTATION_FAILED'] });
    answers.add(501, 'a transfer coding the server does not implement', {
      codes: ['TRANSFER_CODING_NOT_IMPLEMENTED'],
    });
    answers.add(505, 'an HTTP version other than 1.x', { codes: ['HTTP_VERSION_NOT_SUPPORTED'] });
  }
  answers.add(500, 'an unexpected error (no detail is sent)', { codes: ['INTERNAL_ERROR'] });

  // What the route says it answers with swagger's `@ApiResponse` besides: an error no decorator of
  // ours names (an `HttpException`, a mapped foreign error), which the filter answers; a 204 from
  // a handler that returns nothing, or a 200 from a DELETE that returns a body.
  for (const status of facts.documented ?? []) {
    if (answers.byStatus.has(status)) continue;
    answers.add(status, DECLARED, {
      headers: status < 400 ? tagHeaders : [],
      body: status >= 400 ? 'error' : status === 204 || status === 304 ? 'none' : 'keep',
    });
  }

  const limited = options.rateLimit !== false && !skipsThrottling(targets);
  for (const answer of answers.byStatus.values()) {
    answer.headers.add('X-Request-Id');
    // Successes get it from the reply hook (on with `success` or `conditional`), errors from
    // the filter.
    const replyHook = options.success !== false || options.conditional !== false;
    if (answer.status >= 400 ? options.errors !== false : replyHook) {
      answer.required.add('X-Request-Id');
    }
    // The throttler counts the request before anything else refuses it (success or error).
    if (limited && answer.status !== 429) {
      for (const h of [
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
      ] as const) {
        answer.headers.add(h);
      }
    }
  }
  return [...answers.byStatus.values()].sort((a, b) => a.status - b.status);
}

/** An offset page (`PageQuery`) always counts its list; a cursor page only when asked to. */
function countsPages(query: BoundType | undefined): boolean {
  return (
    query === PageQuery || (typeof query === 'function' && query.prototype instanceof PageQuery)
  );
}

/** `@SkipThrottle()` on the handler or class (`@nestjs/throttler` writes `THROTTLER:SKIP<name>`). */
function skipsThrottling(targets: object[]): boolean {
  return targets.some((target) =>
    Reflect.getMetadataKeys(target).some(
      (key) =>
        typeof key === 'string' &&
        key.startsWith('THROTTLER:SKIP') &&
        Reflect.getMetadata(key, target) === true,
    ),
  );
}

/** The codes the validation pipe gives a DTO's fields, from class-validator's own metadata. */
function fieldCodes(type: BoundType | undefined): string[] {
  if (!isDto(type)) return [];
  try {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(
      type as never,
      '',
      true,
      false,
    );
    const codes = new Set<string>(['UNKNOWN_FIELD']);
    for (const m of metadata) {
      const name = m.name ?? m.constraintCls?.name ?? m.type;
      if (name === 'isOptional' || m.type === 'conditionalValidation') continue;
      if (m.type === 'isDefined') codes.add('REQUIRED');
      else codes.add(constraintCode(String(name === 'customValidation' ? m.type : name)));
    }
    return [...codes];
  } catch {
    return [];
  }
}

/** Status, code and extra members of a domain error class, from an instance when one can be made. */
export function describeError(
  error: ThrownError,
): { status: number; code: string; extras: Record<string, SchemaObject> } | undefined {
  let instance: DomainError | undefined;
  // A constructor that needs its arguments: the nearest class above it that builds without any,
  // as this class (`new.target`), still gives the status and the code (not the extra members).
  for (let built: unknown = error; !instance && typeof built === 'function';) {
    try {
      instance = Reflect.construct(built as ThrownError, [], error) as DomainError;
    } catch {
      built = Object.getPrototypeOf(built);
    }
  }
  if (!(instance instanceof DomainError) || typeof instance.status !== 'number') return undefined;
  const extras: Record<string, SchemaObject> = {};
  for (const [key, value] of Object.entries(instance.extras ?? {})) {
    extras[key] = schemaOfValue(value);
  }
  return { status: instance.status, code: instance.code, extras };
}

function schemaOfValue(value: unknown): SchemaObject {
  if (typeof value === 'number') return { type: 'number', minimum: -1e15, maximum: 1e15 };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'string') return { type: 'string', maxLength: 2048 };
  if (Array.isArray(value)) return { type: 'array', maxItems: 100, items: {} };
  return {};
}
