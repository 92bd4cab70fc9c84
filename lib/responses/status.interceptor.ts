import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { HttpAdapterHost } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { DomainError } from '../errors/domain-errors';
import { assignRequestId, defaultRequestId } from '../errors/request-id';
import { RESOLVED_STATUS_OPTIONS } from '../status.constants';
import type { ResolvedStatusOptions } from '../status.options';

/** 415, thrown where Express left a body unparsed (Fastify answers 415 on its own). */
class UnsupportedMediaTypeError extends DomainError {
  readonly status: number = 415;
  constructor() {
    super('The request body has a media type this route does not accept. Send application/json.');
  }
}

/** What the interceptor decided once for a handler, so no request repeats the reflection. */
interface RoutePlan {
  readsBody: boolean;
}

/**
 * The response interceptor: gives every response its request id and checks, on Express, that a
 * body the route reads was in a media type a parser understood (Express otherwise hands the
 * handler `undefined` and validation runs on nothing).
 */
@Injectable()
export class StatusInterceptor implements NestInterceptor {
  private readonly plans = new WeakMap<object, RoutePlan>();
  private readonly requestIdKey: string;
  private readonly generate: () => string;

  constructor(
    @Inject(RESOLVED_STATUS_OPTIONS) private readonly options: ResolvedStatusOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.requestIdKey = options.requestIdHeader.toLowerCase();
    this.generate = options.generateRequestId ?? defaultRequestId;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.options.interceptor || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest();
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(
      http.getResponse(),
      this.options.requestIdHeader,
      assignRequestId(request, this.requestIdKey, this.generate),
    );
    const plan = this.planFor(context);
    if (
      plan.readsBody &&
      request.body === undefined &&
      request._body !== true &&
      hasUnparsedBody(request)
    ) {
      throw new UnsupportedMediaTypeError();
    }
    return next.handle();
  }

  private planFor(context: ExecutionContext): RoutePlan {
    const handler = context.getHandler();
    let plan = this.plans.get(handler);
    if (!plan) {
      const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {};
      const readsBody = Object.keys(args).some(
        (key) => key.split(':')[0] === String(RouteParamtypes.BODY),
      );
      plan = { readsBody };
      this.plans.set(handler, plan);
    }
    return plan;
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
