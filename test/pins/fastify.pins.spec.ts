/**
 * Pins on Fastify's surfaces (and the private ones of Nest's `FastifyAdapter`) that the library
 * reads or patches and that neither documents as it relies on them: each test names the surface,
 * says in a line which file of `lib/` relies on it and what breaks without it. Each builds a real
 * instance through `new FastifyAdapter()` (the instance the library sees), never the library.
 */
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IncomingMessage, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NEST_MAJOR } from './framework-versions';

/** The Fastify instance Nest's adapter builds, as the library receives it from `getInstance()`. */
function instanceOf(options?: Record<string, unknown>): { adapter: FastifyAdapter; fastify: any } {
  const adapter = new FastifyAdapter(options as never);
  return { adapter, fastify: adapter.getInstance() };
}

const closing: any[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((fastify) => fastify.close()));
});

/** Registers `fastify` to be closed after the test. */
function track<T>(fastify: T): T {
  closing.push(fastify);
  return fastify;
}

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): any;
}

/**
 * One request over real HTTP, the path sent as written (Fastify's `inject` loads an ES module
 * Jest cannot here). Starts the instance on a free loopback port the first time.
 */
async function send(
  fastify: any,
  options: { method: string; url: string; headers?: Record<string, string>; payload?: unknown },
): Promise<Answer> {
  if (!fastify.server.listening) await fastify.listen({ port: 0, host: '127.0.0.1' });
  const { port } = fastify.server.address() as AddressInfo;
  const payload =
    options.payload === undefined
      ? undefined
      : typeof options.payload === 'string'
        ? options.payload
        : JSON.stringify(options.payload);
  const headers: Record<string, string> = {
    ...(typeof options.payload === 'object' ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method, path: options.url, headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('Fastify request decorators', () => {
  // lib/request-state.ts declares its slot so requests keep one hidden class (speed, not behaviour).
  it('decorateRequest(symbol, null) + hasRequestDecorator(symbol); refused once started', async () => {
    const { fastify } = instanceOf();
    track(fastify);
    const slot = Symbol('pin.slot');
    expect(fastify.hasRequestDecorator(slot)).toBe(false);
    fastify.decorateRequest(slot, null);
    expect(fastify.hasRequestDecorator(slot)).toBe(true);
    let value: unknown = 'unset';
    fastify.get('/x', (request: any, reply: any) => {
      value = request[slot];
      reply.send('ok');
    });
    await send(fastify, { method: 'GET', url: '/x' });
    expect(value).toBeNull();
    expect(() => fastify.decorateRequest(Symbol('late'), null)).toThrow();
  });
});

describe('Fastify routing hooks', () => {
  // lib/routing/allowed-methods.ts records each route for 405 + Allow; route-targets.ts marks config.
  it("addHook('onRoute') sees url and method, and a config it replaces reaches request.routeOptions.config", async () => {
    const { fastify } = instanceOf();
    track(fastify);
    const mark = Symbol('pin.mark');
    const routes: { url: string; method: unknown }[] = [];
    fastify.addHook('onRoute', (route: any) => {
      routes.push({ url: route.url, method: route.method });
      route.config = { ...route.config, [mark]: 'marked' };
    });
    let config: any;
    fastify.route({
      method: ['GET', 'POST'],
      url: '/users/:id',
      handler: (request: any, reply: any) => {
        config = request.routeOptions.config;
        reply.send('ok');
      },
    });
    await send(fastify, { method: 'GET', url: '/users/7' });
    expect(routes).toContainEqual({ url: '/users/:id', method: ['GET', 'POST'] });
    expect(config[mark]).toBe('marked');
  });

  // lib/routing/allowed-methods.ts matches a trailing slash only when one of these says so. Nest 12
  // passes it in routerOptions; Nest 11 leaves it top level (whose read Fastify 5 deprecates).
  it('initialConfig tells ignoreTrailingSlash (routerOptions, or top level); off by default', async () => {
    const told = (config: any): boolean =>
      config.routerOptions
        ? !!config.routerOptions.ignoreTrailingSlash
        : !!config.ignoreTrailingSlash;
    const plain = track(instanceOf().fastify);
    expect(told(plain.initialConfig)).toBe(false);
    plain.get('/users', (_request: unknown, reply: any) => reply.send('ok'));
    expect((await send(plain, { method: 'GET', url: '/users/' })).statusCode).toBe(404);

    const lenient = track(instanceOf({ ignoreTrailingSlash: true }).fastify);
    expect(told(lenient.initialConfig)).toBe(true);
    if (NEST_MAJOR >= 12)
      expect(lenient.initialConfig.routerOptions.ignoreTrailingSlash).toBe(true);
  });

  // lib/validation/body-media.ts refuses a request's head and media type here, before any parser.
  it("addHook('preParsing', (request, reply, payload, done)): after onRequest, before the parser; done(error) answers", async () => {
    const { adapter, fastify } = instanceOf();
    track(fastify);
    adapter.registerParserMiddleware();
    const order: string[] = [];
    fastify.addHook('onRequest', (_request: unknown, _reply: unknown, done: () => void) => {
      order.push('onRequest');
      done();
    });
    fastify.addHook('preParsing', (request: any, _reply: unknown, payload: unknown, done: any) => {
      order.push(`preParsing:${request.raw instanceof IncomingMessage}:${request.body}`);
      if (request.headers['x-refuse']) done(Object.assign(new Error('no'), { statusCode: 415 }));
      else done(null, payload);
    });
    fastify.post('/', (request: any, reply: any) => reply.send(request.body));
    const ok = await send(fastify, { method: 'POST', url: '/', payload: { a: 1 } });
    expect(ok.json()).toEqual({ a: 1 });
    expect(order).toEqual(['onRequest', 'preParsing:true:undefined']);
    const refused = await send(fastify, {
      method: 'POST',
      url: '/',
      payload: { a: 1 },
      headers: { 'x-refuse': '1' },
    });
    expect(refused.statusCode).toBe(415);
  });

  // lib/routing/fastify-framework-errors.ts answers these in our envelope, found by request.server.
  it('frameworkErrors gets FST_ERR_BAD_URL (400) and FST_ERR_MAX_PARAM_LENGTH (414), request.server the root', async () => {
    const seen: { code: string; statusCode: number; root: boolean }[] = [];
    const made = instanceOf({
      frameworkErrors: (error: any, request: any, reply: any) => {
        seen.push({
          code: error.code,
          statusCode: error.statusCode,
          root: request.server === made.fastify,
        });
        reply.code(599).send('ours');
      },
    });
    const fastify = track(made.fastify);
    fastify.get('/users/:id', (_request: unknown, reply: any) => reply.send('ok'));
    const bad = await send(fastify, { method: 'GET', url: '/users/%zz' });
    const long = await send(fastify, { method: 'GET', url: `/users/${'a'.repeat(101)}` });
    expect([bad.statusCode, long.statusCode]).toEqual([599, 599]);
    expect(seen).toEqual([
      { code: 'FST_ERR_BAD_URL', statusCode: 400, root: true },
      { code: 'FST_ERR_MAX_PARAM_LENGTH', statusCode: 414, root: true },
    ]);
    // lib/routing/fastify-framework-errors.ts also tries request.server[Symbol.for('fastify.root')]:
    // no such key exists in this Fastify, so that fallback reads nothing.
    expect(fastify[Symbol.for('fastify.root')]).toBeUndefined();
  });
});

describe('Fastify content-type parsers, as Nest registers them', () => {
  /** An instance with Nest's parsers, whose error handler echoes what the library reads. */
  function withEcho(options?: Record<string, unknown>) {
    const { adapter, fastify } = instanceOf(options);
    track(fastify);
    adapter.registerParserMiddleware();
    fastify.setErrorHandler((error: any, _request: unknown, reply: any) => {
      reply.code(200).send({
        code: error.code,
        statusCode: error.statusCode,
        message: error.message,
        body: error.body,
        replyConnection: reply.getHeader('connection'),
        rawConnection: reply.raw.hasHeader('connection'),
      });
    });
    fastify.post('/', (request: any, reply: any) => reply.send({ body: request.body ?? null }));
    return fastify;
  }
  const json = { 'content-type': 'application/json' };

  // lib/errors/error-normalizer.ts: MALFORMED_JSON; fastify-json-body.ts adds `body`; the filter
  // keeps the connection by removing the reply's (not the raw response's) `connection: close`.
  it('malformed JSON: FST_ERR_CTP_INVALID_JSON_BODY, 400, no body, connection: close on the reply', async () => {
    const fastify = withEcho();
    const answer = await send(fastify, {
      method: 'POST',
      url: '/',
      headers: json,
      payload: '{"a":',
    });
    expect(answer.json()).toMatchObject({
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      statusCode: 400,
      replyConnection: 'close',
      rawConnection: false,
    });
    expect(answer.json().body).toBeUndefined();
  });

  // lib/errors/error-normalizer.ts answers MISSING_BODY for it.
  it('an empty JSON body: FST_ERR_CTP_EMPTY_JSON_BODY, 400', async () => {
    const answer = await send(withEcho(), { method: 'POST', url: '/', headers: json, payload: '' });
    expect(answer.json()).toMatchObject({ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 });
  });

  // lib/errors/error-normalizer.ts tells FORBIDDEN_PROPERTY from MALFORMED_JSON by the kept text
  // being valid JSON: Fastify gives both the same error (no message of its own to tell them by).
  it('a __proto__ key: the same FST_ERR_CTP_INVALID_JSON_BODY 400 as malformed JSON', async () => {
    const answer = await send(withEcho(), {
      method: 'POST',
      url: '/',
      headers: json,
      payload: '{"__proto__":{"x":1}}',
    });
    expect(answer.json()).toMatchObject({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 });
  });

  // lib/errors/error-normalizer.ts: any 413 cause is CONTENT_TOO_LARGE.
  it('a body over bodyLimit: FST_ERR_CTP_BODY_TOO_LARGE, 413', async () => {
    const answer = await send(withEcho({ bodyLimit: 10 }), {
      method: 'POST',
      url: '/',
      headers: json,
      payload: '{"a":"0123456789"}',
    });
    expect(answer.json()).toMatchObject({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
  });

  // lib/validation/body-media.ts removes text/plain so both adapters answer 415 to it.
  it('text/plain has a default parser; removeContentTypeParser makes it FST_ERR_CTP_INVALID_MEDIA_TYPE 415', async () => {
    const text = { 'content-type': 'text/plain' };
    const kept = withEcho();
    expect(kept.hasContentTypeParser('text/plain')).toBe(true);
    const parsed = await send(kept, { method: 'POST', url: '/', headers: text, payload: 'hi' });
    expect(parsed.json()).toEqual({ body: 'hi' });
    const removed = withEcho();
    removed.removeContentTypeParser('text/plain');
    expect(removed.hasContentTypeParser('text/plain')).toBe(false);
    const refused = await send(removed, { method: 'POST', url: '/', headers: text, payload: 'hi' });
    expect(refused.json()).toMatchObject({
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      statusCode: 415,
    });
  });

  // lib/validation/fastify-json-body.ts wraps it after Nest registered its parser (from configure).
  it("Nest's JSON parser asks instance.getDefaultJsonParser for each body", async () => {
    const { adapter, fastify } = instanceOf();
    track(fastify);
    adapter.registerParserMiddleware();
    const make = fastify.getDefaultJsonParser.bind(fastify);
    let asked = 0;
    fastify.getDefaultJsonParser = (...args: unknown[]) => {
      asked++;
      const parse = make(...args);
      expect(parse).toHaveLength(3); // (request, body, done)
      return parse;
    };
    fastify.post('/', (request: any, reply: any) => reply.send(request.body));
    const answer = await send(fastify, { method: 'POST', url: '/', payload: { a: 1 } });
    expect(answer.json()).toEqual({ a: 1 });
    await send(fastify, { method: 'POST', url: '/', payload: { a: 2 } });
    expect(asked).toBe(2);
  });
});

describe('Fastify replies', () => {
  // lib/responses/reply-shaper.ts looks for a route's `ETag` under 'etag': else it would tag twice.
  it('reply.header lower-cases the name; getHeader finds it in lower case', async () => {
    const fastify = track(instanceOf().fastify);
    let found: unknown;
    fastify.get('/', (_request: unknown, reply: any) => {
      reply.header('ETag', '"v1"');
      found = reply.getHeader('etag');
      reply.send('ok');
    });
    const answer = await send(fastify, { method: 'GET', url: '/' });
    expect(found).toBe('"v1"');
    expect(answer.headers.etag).toBe('"v1"');
  });
});

describe("Nest's FastifyAdapter internals", () => {
  // lib/routing/route-targets.ts learns which Nest handler each Fastify route is for through it.
  it('a route goes through the instance-level injectRouteOptions(method, ...args), handler last', async () => {
    const { adapter, fastify } = instanceOf();
    track(fastify);
    const target = adapter as any;
    expect(typeof target.injectRouteOptions).toBe('function');
    const own = target.injectRouteOptions;
    const handlers: unknown[] = [];
    target.injectRouteOptions = function (method: unknown, ...args: unknown[]) {
      handlers.push(args[args.length - 1]);
      return own.call(this, method, ...args);
    };
    const handler = (_request: unknown, reply: any) => reply.send('ok');
    adapter.get('/x', handler);
    expect(handlers).toEqual([handler]);
    expect((await send(fastify, { method: 'GET', url: '/x' })).body).toBe('ok');
  });

  // lib/routing/nest11-adapter-compat.ts tells Nest 12 (writes to middie's raw response) from 11.
  it('isNativeResponse tells a raw response; isHeadersSent reads it on 12, not on 11', () => {
    const target = new FastifyAdapter() as any;
    expect(typeof target.isNativeResponse).toBe('function');
    expect(target.isNativeResponse({ headersSent: true })).toBe(true);
    expect(target.isNativeResponse({ status: () => undefined })).toBe(false);
    const sent = (() => {
      try {
        return target.isHeadersSent({ headersSent: true });
      } catch {
        return 'threw';
      }
    })();
    if (NEST_MAJOR >= 12) expect(sent).toBe(true);
    else expect(sent).not.toBe(true);
  });

  // lib/validation/body-media.ts keeps Fastify's text/plain parser when the app registered one
  // (and reads it with `?.`: without the Set, as on Nest 11, text/plain is always removed).
  it('registeredContentTypes: a Set of the useBodyParser types on 12; absent (or the same Set) on 11', () => {
    const target = new FastifyAdapter() as any;
    if (NEST_MAJOR < 12 && target.registeredContentTypes === undefined) return;
    expect(target.registeredContentTypes).toBeInstanceOf(Set);
    target.useBodyParser('text/plain');
    expect(target.registeredContentTypes.has('text/plain')).toBe(true);
  });
});
