import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject, SwaggerDocumentOptions } from '@nestjs/swagger';
import { STATUS_OPTIONS } from '../options/options.token';
import {
  errorSettings,
  type ResolvedErrorsOptions,
  type ResolvedStatusOptions,
} from '../options/status-options';
import {
  ERROR_SCHEMA,
  errorMediaType,
  errorSchemaRef,
  errorSchemas,
  type SchemaObject,
} from './error-schemas';
import { STATUS_HEADERS } from './response-headers';
import { getMetadataStorage } from 'class-validator';
import { boundTypes, DECLARED, routeAnswers, type Answer, type BoundType } from './route-answers';
import { reasonPhrase } from '../errors/reason-phrases';

/** Options of `createStatusDocument()`. */
export interface StatusDocumentOptions {
  /** Passed on to `SwaggerModule.createDocument` (its `operationIdFactory` is kept). */
  swagger?: SwaggerDocumentOptions;
}

type Swagger = typeof import('@nestjs/swagger');

/** `@nestjs/swagger` is an optional peer: loaded only when a document is asked for. */
export function loadSwagger(): Swagger {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/swagger') as Swagger;
  } catch {
    throw new Error(
      'nestjs-status/openapi needs @nestjs/swagger: run `npm install @nestjs/swagger`.',
    );
  }
}

/**
 * `SwaggerModule.createDocument(app, config)`, then every operation completed with what this
 * library really answers on it: the success status and its headers (201 + `Location`, 202 and
 * the job body, 204, `ETag` and 304, 303, `Link` / `X-Total-Count`), the errors its decorators,
 * parameters and the module's options make possible (400/413/415/422, 401 + `WWW-Authenticate`,
 * 403, 404, 409/412/428, 429 + `Retry-After`, 503, 500) with the error schema of the app's
 * `errors.format`, the domain errors of `@Throws()`, `X-Request-Id` on every response, and the query
 * parameters of `PageQuery` / `CursorQuery` DTOs. Call it after `app.init()` or `listen()`-ready
 * creation (the module's options must be resolvable).
 *
 * @example
 * const document = createStatusDocument(app, new DocumentBuilder().setTitle('API').build());
 * SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
 */
export function createStatusDocument(
  app: INestApplication,
  config: Omit<OpenAPIObject, 'paths'>,
  options: StatusDocumentOptions = {},
): OpenAPIObject {
  const { SwaggerModule } = loadSwagger();
  const ids = new Map<string, { controllerKey: string; methodKey: string }>();
  const ownFactory =
    options.swagger?.operationIdFactory ??
    ((controllerKey: string, methodKey: string, version?: string) =>
      version ? `${controllerKey}_${methodKey}_${version}` : `${controllerKey}_${methodKey}`);
  const document = SwaggerModule.createDocument(app, config, {
    ...options.swagger,
    operationIdFactory: (controllerKey, methodKey, version) => {
      const id = ownFactory(controllerKey, methodKey, version);
      ids.set(id, { controllerKey, methodKey });
      return id;
    },
  });
  const resolved = app.get<ResolvedStatusOptions>(STATUS_OPTIONS, { strict: false });
  const controllers = controllersByName(app);
  const { format } = errorSettings(resolved);

  document.components ??= {};
  const schemas = errorSchemas();
  const used = format === 'problem' ? ERROR_SCHEMA.problem : ERROR_SCHEMA.envelope;
  document.components.schemas = { ...document.components.schemas, [used]: schemas[used] };
  const headers: Record<string, unknown> = {};

  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as [string, any][]) {
      const found = operation?.operationId ? ids.get(operation.operationId) : undefined;
      const controller = found && controllers.get(found.controllerKey);
      const handler = controller?.prototype[found!.methodKey];
      if (!controller || typeof handler !== 'function') continue;
      const facts = {
        controller,
        handler,
        methodKey: found!.methodKey,
        method,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        documented: ownResponseStatuses(handler, controller),
      };
      const answers = routeAnswers(facts, resolved);
      operation.responses = responsesOf(answers, operation.responses ?? {}, format, headers);
      operation.description ??= `Answers ${answers.map((a) => a.status).join(', ')}.`;
      operation.summary ??= `${operation.tags?.[0] ?? controller.name}: ${words(found!.methodKey)}`;
      addQueryParameters(operation, boundTypes(facts).query);
      limitPathParameters(operation, resolved.limits.maxParamLength);
      if (answers.some((a) => a.headers.has('WWW-Authenticate') && a.status === 401)) {
        requireCredentials(operation, document);
      } else {
        // The auth guard lets anyone call it: say so rather than leave it unsaid.
        operation.security ??= [];
      }
      addConditionalHeaders(operation, method, answers);
    }
  }
  // Only the headers an operation refers to, so that none is declared in vain.
  if (Object.keys(headers).length > 0) {
    document.components.headers = { ...document.components.headers, ...headers } as never;
  }
  declareTags(document);
  return document;
}

/** The statuses a route's own `@ApiResponse` decorators list (not swagger's defaults). */
function ownResponseStatuses(handler: object, controller: object): number[] {
  const statuses = new Set<number>();
  for (const target of [handler, controller]) {
    const own: Record<string, unknown> = Reflect.getMetadata('swagger/apiResponse', target) ?? {};
    for (const key of Object.keys(own)) if (/^\d{3}$/.test(key)) statuses.add(Number(key));
  }
  return [...statuses];
}

/** Every tag an operation uses is declared at the top (swagger names them from controllers). */
function declareTags(document: OpenAPIObject): void {
  const declared = new Set((document.tags ?? []).map((tag) => tag.name));
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { tags?: string[] }[]) {
      for (const name of operation?.tags ?? []) {
        if (declared.has(name)) continue;
        declared.add(name);
        (document.tags ??= []).push({ name, description: `The ${name} routes.` });
      }
    }
  }
}

/** Controller classes of the app by class name (swagger's operation ids name them so). */
function controllersByName(app: INestApplication): Map<string, Type<unknown>> {
  const byName = new Map<string, Type<unknown>>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) byName.set(wrapper.metatype.name, wrapper.metatype as Type<unknown>);
    }
  }
  return byName;
}

function responsesOf(
  answers: Answer[],
  documented: Record<string, any>,
  format: ResolvedErrorsOptions['format'],
  components: Record<string, unknown>,
): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  // Statuses swagger listed that the app cannot give (the default 200 of a DELETE) go.
  for (const answer of answers) {
    const own = documented[String(answer.status)] ?? {};
    // An error the route documents itself, content and all: a filter of its own answers it, as
    // written, with none of our headers promised.
    const ownError = answer.body === 'error' && own.content && isOnlyDeclared(answer);
    const required = ownError ? new Set<string>() : answer.required;
    const headers: Record<string, unknown> = {};
    for (const name of answer.headers) {
      headers[name] = required.has(name)
        ? { ...(STATUS_HEADERS as any)[name], required: true }
        : { $ref: `#/components/headers/${name}` };
      if (!required.has(name)) components[name] = (STATUS_HEADERS as any)[name];
    }
    const response: Record<string, unknown> = {
      description: own.description || describe(answer),
      headers,
    };
    if (ownError) {
      response.content = own.content;
    } else if (answer.body === 'error') {
      response.content = {
        [errorMediaType(format)]: {
          schema: errorSchema(answer, format),
          example: exampleBody(answer, format),
        },
      };
    } else if (answer.body === 'keep') {
      // What the handler returns, as swagger knows it; without a type, any JSON value.
      response.content = own.content ?? { 'application/json': { schema: {} } };
    } else if (answer.body !== 'none') {
      response.content = { 'application/json': { schema: answer.body } };
    }
    responses[String(answer.status)] = response;
  }
  return responses;
}

/** An answer that only the route's own `@ApiResponse` gives (no rule of ours). */
function isOnlyDeclared(answer: Answer): boolean {
  return answer.reasons.length === 1 && answer.reasons[0] === DECLARED;
}

function describe(answer: Answer): string {
  const codes = answer.codes.size > 0 ? ` Codes: ${[...answer.codes].join(', ')}.` : '';
  return `${reasonPhrase(answer.status)}: ${answer.reasons.join('; ')}.${codes}`;
}

function errorSchema(answer: Answer, format: ResolvedErrorsOptions['format']): SchemaObject {
  const own: SchemaObject = {
    type: 'object',
    properties: {
      ...(format === 'problem'
        ? {
            status: {
              type: 'integer',
              format: 'int32',
              minimum: answer.status,
              maximum: answer.status,
            },
          }
        : { error: { type: 'string', enum: [reasonPhrase(answer.status)] } }),
      ...answer.extras,
    },
  };
  return { allOf: [errorSchemaRef(format), own] };
}

/** A body as the filter writes it, with the status's first code. */
function exampleBody(answer: Answer, format: ResolvedErrorsOptions['format']): object {
  const code = [...answer.codes][0] ?? 'ERROR';
  const message = answer.reasons[0].charAt(0).toUpperCase() + answer.reasons[0].slice(1) + '.';
  const requestId = 'req_7f9c2ba4e88f827d616045507605853e';
  return format === 'problem'
    ? {
        type: 'about:blank',
        title: reasonPhrase(answer.status),
        status: answer.status,
        detail: message,
        code,
        requestId,
      }
    : { error: reasonPhrase(answer.status), message, code, requestId };
}

/** `page`, `limit`, `cursor`, `filter`: the members of the route's query DTO, typed from its rules. */
function addQueryParameters(operation: any, query: BoundType | undefined): void {
  if (typeof query !== 'function' || (query as unknown) === Object) return;
  const meta = getMetadataStorage().getTargetValidationMetadatas(
    query as never,
    '',
    true,
    false,
  ) as { propertyName: string; name?: string; constraints?: unknown[] }[];
  const names = [...new Set(meta.map((m) => m.propertyName))];
  operation.parameters ??= [];
  for (const name of names) {
    if (operation.parameters.some((p: any) => p.in === 'query' && p.name === name)) continue;
    const rules = meta.filter((m) => m.propertyName === name);
    const integer = rules.some((m) => m.name === 'isInt');
    const min = rules.find((m) => m.name === 'min')?.constraints?.[0];
    const schema: SchemaObject = integer
      ? {
          type: 'integer',
          format: 'int32',
          minimum: typeof min === 'number' ? min : 0,
          maximum: 2147483647,
        }
      : { type: 'string', maxLength: 2048 };
    operation.parameters.push({ name, in: 'query', required: false, schema });
  }
}

/** `findOne` → `find one`. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A path parameter longer than `limits.maxParamLength` is a 414: the schema says so. */
function limitPathParameters(operation: any, maxLength: number): void {
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in === 'path' && parameter.schema?.type === 'string') {
      parameter.schema = { ...parameter.schema, maxLength };
    }
  }
}

/**
 * A route that answers 401 asks for the app's HTTP scheme (the one `errors.challenge` names, Bearer
 * by default), when the document declares one and the operation names none.
 */
function requireCredentials(operation: any, document: OpenAPIObject): void {
  if (operation.security) return;
  const schemes = Object.entries(document.components?.securitySchemes ?? {});
  const http = schemes.find(([, scheme]) => (scheme as { type?: string }).type === 'http');
  if (http) operation.security = [{ [http[0]]: [] }];
}

/** `If-None-Match` / `If-Modified-Since` on tagged reads, `If-Match` on guarded writes. */
function addConditionalHeaders(operation: any, method: string, answers: Answer[]): void {
  const statuses = new Set(answers.map((a) => a.status));
  const headers: string[] = [];
  if (statuses.has(304)) headers.push('If-None-Match', 'If-Modified-Since');
  if (method !== 'get' && (statuses.has(412) || statuses.has(409) || statuses.has(428))) {
    if (answers.some((a) => a.reasons.some((r) => r.includes('@CurrentVersion')))) {
      headers.push('If-Match', 'If-Unmodified-Since', 'If-None-Match');
    }
  }
  if (headers.length === 0) return;
  operation.parameters ??= [];
  for (const name of headers) {
    if (operation.parameters.some((p: any) => p.in === 'header' && p.name === name)) continue;
    operation.parameters.push({
      name,
      in: 'header',
      required: false,
      schema: { type: 'string', maxLength: 500 },
    });
  }
}
