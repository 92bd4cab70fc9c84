import { dirname } from 'node:path';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';

/** The exchange matches no operation of the document, exactly. */
const NO_OPERATION = Symbol('no operation');

/** One request and the answer the app gave to it, as recorded by `ContractRecorder`. */
export interface Exchange {
  method: string;
  /** Path and query, as the client sent them. */
  path: string;
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string | string[] | number | undefined>;
  /** The response body as sent (empty for none). */
  text: string;
}

/** What `openapi-validator` (the validator behind `jest-openapi`) offers. */
interface Validator {
  makeApiSpec(document: object): {
    validateResponse(response: unknown): { code: number; message?: string } | null;
  };
  makeResponse(raw: object): unknown;
  ErrorCode: Record<string, number>;
}

/** jest-openapi is a test tool: loaded only here, and only when a check is asked for. */
function loadValidator(): Validator {
  try {
    const jestOpenapi = require.resolve('jest-openapi');
    const validator = require.resolve('openapi-validator', { paths: [dirname(jestOpenapi)] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(validator) as Validator;
  } catch {
    throw new Error(
      'nestjs-status/openapi/testing needs jest-openapi: run `npm install --save-dev jest-openapi`.',
    );
  }
}

/**
 * Records every exchange an app's HTTP server answers (on Express and Fastify alike: it listens
 * on the Node server under both), to check them against the app's OpenAPI document when the
 * tests are done: each response's status must be documented for its operation, its body must
 * match the documented schema (jest-openapi's validator) and its media type, and every header
 * the document marks `required` must be there. Requests that match no operation (an unknown
 * path, a wrong method) are not an operation's answer and are left out.
 *
 * @example
 * const contract = ContractRecorder.attach(app);   // before the requests
 * ...
 * afterAll(() => contract.assertMatches(createStatusDocument(app, config)));
 */
export class ContractRecorder {
  /** Everything answered since `attach`. */
  readonly exchanges: Exchange[] = [];
  private readonly listener: (request: IncomingMessage, response: ServerResponse) => void;

  private constructor(private readonly server: Server) {
    this.listener = (request, response) => this.record(request, response);
    // First, so that the body is captured whichever framework writes it.
    server.prependListener('request', this.listener);
  }

  /** Starts recording the exchanges of `app` (a Nest app, or its Node HTTP server). */
  static attach(app: INestApplication | Server): ContractRecorder {
    const server = 'getHttpServer' in app ? (app.getHttpServer() as Server) : app;
    return new ContractRecorder(server);
  }

  /** Stops recording. */
  detach(): void {
    this.server.removeListener('request', this.listener);
  }

  /** The exchanges that break `document`, one line each (empty when all hold). */
  problems(document: object): string[] {
    const validator = loadValidator();
    const spec = validator.makeApiSpec(document);
    const problems: string[] = [];
    for (const exchange of this.exchanges) {
      const problem = this.check(exchange, document, spec, validator);
      if (problem)
        problems.push(`${exchange.method} ${exchange.path} → ${exchange.status}: ${problem}`);
    }
    return [...new Set(problems)];
  }

  /** Throws one error listing every exchange that breaks `document`. */
  assertMatches(document: object): void {
    const problems = this.problems(document);
    if (problems.length > 0) {
      throw new Error(
        `${problems.length} response(s) break the OpenAPI document:\n  ${problems.join('\n  ')}`,
      );
    }
  }

  private check(
    exchange: Exchange,
    document: any,
    spec: ReturnType<Validator['makeApiSpec']>,
    validator: Validator,
  ): string | undefined {
    const type = String(exchange.headers['content-type'] ?? '');
    let body: unknown = {};
    if (exchange.text !== '' && /json/i.test(type)) {
      try {
        body = JSON.parse(exchange.text);
      } catch {
        return 'the body is not the JSON its Content-Type says';
      }
    }
    // `/api/users/` is not `/api/users`: only an operation's own path is its answer.
    const documented = this.documentedResponse(exchange, document);
    if (documented === NO_OPERATION) return undefined;
    const codes = validator.ErrorCode;
    const validate = (path: string) =>
      spec.validateResponse(
        validator.makeResponse({
          status: exchange.status,
          headers: exchange.headers,
          body,
          text: exchange.text,
          req: { method: exchange.method, path },
        }),
      );
    let error;
    try {
      error = validate(exchange.path);
      // The validator matched another operation than the router did (to it, `/api/users/,` is
      // the list's path, not `{id}`): ask again on the router's operation, each parameter a word.
      if (error?.code === codes.StatusNotFound && documented !== undefined) {
        error = validate(plainPath(this.operationOf(exchange, document)!.template));
      }
    } catch (thrown) {
      // A path that is no valid percent-encoding (the app answers it 400 before any route): the
      // validator cannot match it to an operation, so it is no operation's answer.
      if (thrown instanceof URIError) return undefined;
      throw thrown;
    }
    if (error) {
      // Not an operation's answer: an unknown path or server, or a method the path does not have.
      if (
        [
          codes.ServerNotFound,
          codes.BasePathNotFound,
          codes.PathNotFound,
          codes.MethodNotFound,
        ].includes(error.code)
      ) {
        return undefined;
      }
      if (error.code === codes.StatusNotFound) return 'status not documented for this operation';
      return `body breaks the documented schema: ${error.message ?? error.code}`;
    }
    if (!documented) return undefined;
    const mediaTypes = Object.keys(documented.content ?? {});
    if (exchange.text !== '' && mediaTypes.length > 0) {
      const sent = type.split(';')[0].trim().toLowerCase();
      if (!mediaTypes.includes(sent))
        return `Content-Type ${sent || '(none)'}, documented ${mediaTypes.join(', ')}`;
    }
    for (const [name, header] of Object.entries(documented.headers ?? {}) as [string, any][]) {
      if (header?.required && exchange.headers[name.toLowerCase()] === undefined) {
        return `required header ${name} missing`;
      }
    }
    return undefined;
  }

  /** The documented response of an exchange's operation and status (validator found one). */
  private documentedResponse(exchange: Exchange, document: any): any {
    const found = this.operationOf(exchange, document);
    return found ? found.operation.responses?.[String(exchange.status)] : NO_OPERATION;
  }

  /** The operation the router gave an exchange: its method, on the template its path matches. */
  private operationOf(
    exchange: Exchange,
    document: any,
  ): { template: string; operation: any } | undefined {
    const pathname = exchange.path.split('?')[0];
    for (const [template, item] of Object.entries(document.paths ?? {}) as [string, any][]) {
      const pattern = new RegExp(
        '^' +
          template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+') +
          '$',
      );
      const operation = item[exchange.method.toLowerCase()];
      if (operation && pattern.test(pathname)) return { template, operation };
    }
    return undefined;
  }

  private record(request: IncomingMessage, response: ServerResponse): void {
    // As the client sent it: Express rewrites `url` under a mounted middleware.
    const path = request.url ?? '/';
    const chunks: Buffer[] = [];
    const write = response.write.bind(response) as (...args: any[]) => boolean;
    const end = response.end.bind(response) as (...args: any[]) => ServerResponse;
    const keep = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      chunks.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(
              chunk as string,
              typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
            ),
      );
    };
    response.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as typeof response.write;
    response.end = ((chunk?: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return end(chunk, ...rest);
    }) as typeof response.end;
    // Fastify hands its headers to writeHead() rather than setHeader(): keep those too.
    const written: Exchange['headers'] = {};
    const writeHead = response.writeHead.bind(response) as (...args: any[]) => ServerResponse;
    response.writeHead = ((status: number, ...rest: unknown[]) => {
      const headers = rest.find((r) => typeof r === 'object' && r !== null);
      if (Array.isArray(headers)) {
        for (let i = 0; i + 1 < headers.length; i += 2) {
          written[String(headers[i]).toLowerCase()] = headers[i + 1];
        }
      } else if (headers) {
        for (const [name, value] of Object.entries(headers)) written[name.toLowerCase()] = value;
      }
      return writeHead(status, ...rest);
    }) as typeof response.writeHead;
    response.once('finish', () => {
      this.exchanges.push({
        method: request.method ?? 'GET',
        path,
        status: response.statusCode,
        headers: { ...written, ...(response.getHeaders() as Exchange['headers']) },
        text: Buffer.concat(chunks).toString('utf8'),
      });
    });
  }
}

/** A template's path with every parameter a plain word (`/users/{id}` → `/users/x`). */
function plainPath(template: string): string {
  return template.replace(/\{[^}]+\}/g, 'x');
}
