import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  NotFoundException,
} from '@nestjs/common';
import { HTTP_CODE_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { catchError, map, Observable, of, throwError } from 'rxjs';
import { DomainError, NotFoundError, UnsupportedMediaTypeError } from '../errors/domain-errors';
import { assignRequestId, defaultRequestId } from '../errors/request-id';
import { RESOLVED_STATUS_OPTIONS } from '../status.constants';
import type { ResolvedStatusOptions } from '../status.options';
import { CreatedResult } from './created-result';
import { buildLocation } from './location';
import { SuccessRule, SuccessRuleMetadata } from './success-rules';
import { originForm } from '../routing/request-target';

/** What the interceptor decided once for a handler, so no request repeats the reflection. */
interface RoutePlan {
  readsBody: boolean;
  /** The handler writes the response itself (`@Res()` without passthrough). */
  handlesResponse: boolean;
  /** `@HttpCode()` chose a status other than 200 (202, 201...): an empty result keeps it. */
  keepsEmptyStatus: boolean;
  rule: SuccessRule;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The response interceptor: makes the status say what the server did.
 * - a request id on every response;
 * - `@Created` → 201 + `Location`; `created(entity)` on an upsert route → 201 + `Location`, else 200;
 * - `@NoContent` and a handler that resolves to `undefined` → 204 with no body;
 * - `null` from a GET → 404 (never a 200 with an empty body); an empty array stays 200 `[]`;
 * - DELETE of a missing resource → 404, or 204 where the `deleteMissing` policy says so;
 * - on Express, a body the route reads in a media type no parser took → 415.
 */
@Injectable()
export class StatusInterceptor implements NestInterceptor {
  private readonly plans = new WeakMap<object, RoutePlan>();
  private readonly requestIdKey: string;
  private readonly generate: () => string;

  constructor(
    @Inject(RESOLVED_STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly reflector: Reflector,
  ) {
    this.requestIdKey = options.requestIdHeader.toLowerCase();
    this.generate = options.generateRequestId ?? defaultRequestId;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.options.interceptor || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(
      response,
      this.options.requestIdHeader,
      assignRequestId(request, this.requestIdKey, this.generate),
    );
    const plan = this.planFor(context);
    if (plan.readsBody) checkBodyMedia(request);
    if (plan.handlesResponse) return next.handle();
    const method: string = request.method;
    const shaped = next
      .handle()
      .pipe(map((result) => this.shape(result, plan, method, request, response)));
    const deleteMissing = plan.rule.deleteMissing ?? this.options.deleteMissing;
    if (method !== 'DELETE' || deleteMissing !== 204) return shaped;
    return shaped.pipe(
      catchError((error) =>
        isNotFound(error) ? of(new Response(null, { status: 204 })) : throwError(() => error),
      ),
    );
  }

  private shape(result: unknown, plan: RoutePlan, method: string, request: any, response: any) {
    const { rule } = plan;
    if (result instanceof CreatedResult) {
      const location = result.location ?? this.location(rule, result.entity, request, method);
      const headers: Record<string, string> = { 'Content-Type': JSON_TYPE };
      if (location !== undefined) headers.Location = location;
      return new Response(JSON.stringify(result.entity ?? null), { status: 201, headers });
    }
    if (rule.noContent) return undefined;
    if (rule.created) {
      const location = this.location(rule, result, request, method);
      if (location !== undefined)
        this.adapterHost.httpAdapter.setHeader(response, 'Location', location);
      return result;
    }
    if (result === undefined || result === null) {
      if (result === null && (method === 'GET' || method === 'HEAD')) throw new NotFoundError();
      // Nothing to send is 204, even under `@HttpCode(200)`: a 200 promises a body.
      return plan.keepsEmptyStatus ? result : new Response(null, { status: 204 });
    }
    return result;
  }

  private location(rule: SuccessRule, entity: unknown, request: any, method: string) {
    const url = originForm(String(this.adapterHost.httpAdapter.getRequestUrl(request)));
    return buildLocation(
      { absolute: this.options.absoluteLocations, ...rule.created },
      entity,
      request,
      method,
      url,
    );
  }

  private planFor(context: ExecutionContext): RoutePlan {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (!plan) {
      const args: Record<string, { data?: { passthrough?: boolean } }> =
        Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
      const typeOf = (key: string) => Number(key.split(':')[0]);
      const keys = Object.keys(args);
      plan = {
        readsBody: keys.some((key) => typeOf(key) === RouteParamtypes.BODY),
        handlesResponse: keys.some(
          (key) =>
            (typeOf(key) === RouteParamtypes.RESPONSE || typeOf(key) === RouteParamtypes.NEXT) &&
            args[key].data?.passthrough !== true,
        ),
        keepsEmptyStatus:
          [undefined, 200].includes(Reflect.getMetadata(HTTP_CODE_METADATA, handler)) === false,
        rule: {
          ...this.reflector.get(SuccessRuleMetadata, context.getClass()),
          ...this.reflector.get(SuccessRuleMetadata, handler),
        },
      };
      this.plans.set(handler, plan);
    }
    return plan;
  }
}

function isNotFound(error: unknown): boolean {
  return (
    (error instanceof DomainError && error.status === 404) || error instanceof NotFoundException
  );
}

/**
 * The same answer on both adapters for a body the route reads:
 * - sent in a media type no parser took (Express leaves it unparsed) → 415;
 * - taken as text by a non-JSON parser (Fastify parses text/plain) → 415;
 * - empty: Express's parser makes `{}` of it where Fastify refuses it, so it becomes no body.
 */
function checkBodyMedia(request: any): void {
  const { body } = request;
  if (body === undefined && request._body !== true && hasUnparsedBody(request)) {
    throw new UnsupportedMediaTypeError();
  }
  const type: string = request.headers['content-type'] ?? '';
  if ((typeof body === 'string' || Buffer.isBuffer(body)) && !/[/+]json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError();
  }
  if (
    request.headers['content-length'] === '0' &&
    body !== null &&
    typeof body === 'object' &&
    Object.keys(body).length === 0
  ) {
    request.body = undefined;
  }
}

/** A body was sent (length or chunked) in a media type no parser took, multipart aside. */
function hasUnparsedBody(request: { headers: Record<string, string | undefined> }): boolean {
  const { headers } = request;
  const sent =
    headers['transfer-encoding'] !== undefined ||
    (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  if (!sent) return false;
  const type = headers['content-type'] ?? '';
  return !type.startsWith('multipart/');
}
