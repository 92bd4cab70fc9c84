import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  Inject,
  NotFoundException,
  Optional,
} from '@nestjs/common';
import { AbstractHttpAdapter, HttpAdapterHost } from '@nestjs/core';
import { throwError } from 'rxjs';
import { AllowedMethods } from '../platform/allowed-methods';
import { STATUS_OPTIONS } from '../options/options.token';
import {
  errorSettings,
  type ResolvedErrorsOptions,
  type ResolvedStatusOptions,
} from '../options/status-options';
import type { ErrorDescriptor } from './error-descriptor';
import { ErrorBodyBuilder } from './error-body';
import { ErrorNormalizer } from './error-normalizer';
import { assignRequestId, defaultRequestId } from '../platform/request-id';
import { rfcPhraseOverride } from './reason-phrases';
import { originalReply } from '../platform/reply-hook';
import { FORBIDDEN_POLICY, type ForbiddenPolicy } from './forbidden-policy';
import { missingDeleteAnswer } from './missing-delete';
import { pathOf } from '../platform/request-target';
import { keepsConnection } from '../platform/fastify-json-body';

/**
 * The one exception filter: every failure of an HTTP request leaves through here, in one shape
 * (the guide's envelope or RFC 9457), with the request id, on Express and on Fastify alike.
 * Other contexts (GraphQL, microservices, websockets) are passed through untouched.
 */
@Catch()
export class StatusExceptionFilter implements ExceptionFilter {
  private readonly normalizer: ErrorNormalizer;
  private readonly bodies: ErrorBodyBuilder;
  private readonly requestIdKey: string;
  private readonly requestIdHeader: string;
  private readonly generateRequestId: () => string;
  private readonly challenge: string;
  private readonly errors: ResolvedErrorsOptions;
  /** What a DELETE of nothing answers app-wide (`success.deleteMissing`). */
  private readonly deleteMissing: 404 | 204;

  constructor(
    @Inject(STATUS_OPTIONS) options: ResolvedStatusOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly allowedMethods: AllowedMethods,
    @Optional()
    @Inject(FORBIDDEN_POLICY)
    private readonly forbidden: ForbiddenPolicy | null = null,
  ) {
    // Also built when `errors: false` (a user's `useGlobalFilters(app.get(...))`): the defaults.
    this.errors = errorSettings(options);
    this.normalizer = new ErrorNormalizer(this.errors.mappings);
    this.bodies = new ErrorBodyBuilder(this.errors);
    this.requestIdHeader = options.requestId.header;
    this.requestIdKey = this.requestIdHeader.toLowerCase();
    this.generateRequestId = options.requestId.generate ?? defaultRequestId;
    this.deleteMissing = options.success ? options.success.deleteMissing : 404;
    const { scheme = 'Bearer', realm = 'api' } = this.errors.challenge;
    this.challenge = `${scheme} realm="${realm}"`;
  }

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const type = host.getType<string>();
    if (type !== 'http') {
      // GraphQL reads a returned error; microservices and websockets read an erroring stream.
      return type === 'graphql' ? exception : throwError(() => exception);
    }
    const http = host.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    const adapter = this.adapterHost.httpAdapter;
    const requestId = assignRequestId(request, this.requestIdKey, this.generateRequestId);

    let descriptor = this.normalizer.normalize(exception);
    if (descriptor.status === 404 && isRouteNotFound(exception, request, adapter)) {
      this.answerUnmatched(request, response, requestId);
      return undefined;
    }
    if (
      descriptor.status === 404 &&
      adapter.getRequestMethod(request) === 'DELETE' &&
      (missingDeleteAnswer(exception) ?? this.deleteMissing) === 204
    ) {
      // The idempotent style: deleting what is not there is done already.
      adapter.setHeader(response, this.requestIdHeader, requestId);
      originalReply(adapter)(response, undefined, 204);
      return undefined;
    }
    const replacement = this.forbidden?.replace(exception, descriptor.status, request);
    if (replacement !== undefined) descriptor = this.normalizer.normalize(replacement);
    if (descriptor.status === 401 && !hasHeader(descriptor, 'www-authenticate')) {
      descriptor.headers = {
        ...descriptor.headers,
        'WWW-Authenticate': this.challenge + authParams(descriptor.challengeParams),
      };
    }
    this.normalizer.log(exception, descriptor, requestId);
    // Fastify asked to close the connection after a parser error; a JSON body that failed to
    // parse was read to its end, so the client may go on using it, as on Express. A close asked
    // on the raw response (Fastify while shutting down, or the app) stands.
    if (keepsConnection(exception) && response.raw?.hasHeader?.('connection') === false) {
      response.removeHeader('connection');
    }
    this.write(adapter, request, response, descriptor, requestId);
    return undefined;
  }

  /**
   * Answers a request no route matched: 405 + `Allow` on a known path asked with another method,
   * 204 + `Allow` to OPTIONS there (RFC 9110 9.3.7), else 404 `ROUTE_NOT_FOUND`. Called from
   * `catch` for Nest's own "Cannot GET /x", and straight from the adapter's not-found handler
   * when this is the app's only exception filter (`routing/unmatched-routes.ts`).
   */
  answerUnmatched(request: any, response: any, requestId?: string): void {
    const adapter = this.adapterHost.httpAdapter;
    const id = requestId ?? assignRequestId(request, this.requestIdKey, this.generateRequestId);
    const method = String(adapter.getRequestMethod(request));
    const path = pathOf(String(adapter.getRequestUrl(request)));
    let allowed = this.allowedFor(path);
    // The path answers this very method, yet nothing matched (a trailing slash, a constraint):
    // not a wrong method, a missing resource.
    if (allowed && method !== 'OPTIONS' && allowed.split(', ').includes(method))
      allowed = undefined;
    if (allowed && method === 'OPTIONS') {
      if (adapter.isHeadersSent(response)) {
        adapter.end(response);
        return;
      }
      adapter.setHeader(response, this.requestIdHeader, id);
      adapter.setHeader(response, 'Allow', allowed);
      originalReply(adapter)(response, undefined, 204);
      return;
    }
    this.write(adapter, request, response, routeNotFound(method, path, allowed), id);
  }

  /** The `Allow` value of a path (OPTIONS included), or undefined for an unknown path. */
  private allowedFor(path: string): string | undefined {
    if (!this.errors.methodNotAllowed) return undefined;
    const methods = this.allowedMethods.forPath(path);
    return methods.length > 0 ? [...methods, 'OPTIONS'].sort().join(', ') : undefined;
  }

  private write(
    adapter: AbstractHttpAdapter,
    request: unknown,
    response: any,
    descriptor: ErrorDescriptor,
    requestId: string,
  ): void {
    if (adapter.isHeadersSent(response)) {
      // Too late for a status: end what was started rather than hang the client.
      adapter.end(response);
      return;
    }
    const { contentType, body } = this.bodies.build(descriptor, requestId);
    adapter.setHeader(response, this.requestIdHeader, requestId);
    const headers = descriptor.headers;
    if (headers) for (const name in headers) adapter.setHeader(response, name, headers[name]);
    adapter.setHeader(response, 'Content-Type', contentType);
    const phrase = rfcPhraseOverride(descriptor.status);
    if (phrase !== undefined) (response.raw ?? response).statusMessage = phrase;
    originalReply(adapter)(response, body, descriptor.status);
  }
}

/** 405 + `Allow` when the path has other methods, else 404 `ROUTE_NOT_FOUND`. */
function routeNotFound(method: string, path: string, allowed: string | undefined): ErrorDescriptor {
  const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
  if (allowed) {
    return {
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      message: `${method} is not allowed on ${shown}. Allowed: ${allowed}.`,
      headers: { Allow: allowed },
    };
  }
  return { status: 404, code: 'ROUTE_NOT_FOUND', message: `No route matches ${method} ${shown}.` };
}

/** `, error="invalid_token", error_description="..."` (RFC 9110 11.2 auth-params). */
function authParams(params: Record<string, string> | undefined): string {
  if (!params) return '';
  return Object.entries(params)
    .map(([name, value]) => `, ${name}="${value.replace(/["\\]/g, '\\$&')}"`)
    .join('');
}

function hasHeader(descriptor: ErrorDescriptor, lowerName: string): boolean {
  return Object.keys(descriptor.headers ?? {}).some((name) => name.toLowerCase() === lowerName);
}

/** Nest's own "no route matched" 404, as opposed to a 404 a handler threw. */
function isRouteNotFound(
  exception: unknown,
  request: unknown,
  adapter: AbstractHttpAdapter,
): boolean {
  if (!(exception instanceof NotFoundException)) return false;
  const response = exception.getResponse() as { message?: unknown };
  return (
    response?.message ===
    `Cannot ${adapter.getRequestMethod(request)} ${adapter.getRequestUrl(request)}`
  );
}
