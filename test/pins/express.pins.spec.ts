/**
 * Pins on Express's (and its router's and body-parser's) surfaces that the library reads or
 * patches and that Express does not document: each test names the surface, says in a line which
 * file of `lib/` relies on it and what breaks without it. Each builds the smallest real app
 * (`new ExpressAdapter()`, whose instance is the one the library sees), never the library.
 */
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import { IncomingMessage } from 'node:http';
import request from 'supertest';

/** The Express app Nest's adapter builds, as the library receives it from `getInstance()`. */
function appOfAdapter(): { adapter: ExpressAdapter; app: any } {
  const adapter = new ExpressAdapter();
  return { adapter, app: adapter.getInstance() };
}

/** An error handler that answers with the error's fields, for the parser pins. */
function echoErrors(app: any): void {
  app.use((error: any, _req: unknown, res: any, _next: unknown) => {
    res.status(200).json({
      name: error.name,
      status: error.status,
      statusCode: error.statusCode,
      expose: error.expose,
      type: error.type,
      body: error.body,
    });
  });
}

describe('Express router internals (app.router)', () => {
  // lib/routing/allowed-methods.ts and route-targets.ts read the routes from this stack.
  it('app.router.stack: a route layer has match(path), route.methods and route._handlesMethod', () => {
    const { app } = appOfAdapter();
    const handler = (_req: unknown, res: any) => res.send('ok');
    app.get('/users/:id', handler);
    app.post('/users/:id', handler);
    const layers = app.router.stack.filter((layer: any) => layer.route);
    expect(layers).toHaveLength(2);
    const [get, post] = layers;
    expect(typeof get.match).toBe('function');
    expect(get.match('/users/7')).toBeTruthy();
    expect(get.match('/users')).toBeFalsy();
    expect(get.route.methods).toEqual({ get: true });
    expect(post.route.methods).toEqual({ post: true });
    expect(get.route._handlesMethod('get')).toBe(true);
    expect(get.route._handlesMethod('post')).toBe(false);
  });

  // lib/routing/route-targets.ts: the last handle of a route's stack is the handler Nest gave.
  it("a route's own stack ends with the handler it was given (route.stack[last].handle)", () => {
    const { app } = appOfAdapter();
    const guard = (_req: unknown, _res: unknown, next: () => void) => next();
    const handler = (_req: unknown, res: any) => res.send('ok');
    app.get('/items', guard, handler);
    const layer = app.router.stack.find((l: any) => l.route);
    expect(layer.route.stack.at(-1).handle).toBe(handler);
  });

  // lib/routing/express-routing.ts wraps router.route to check each path parameter's length.
  it('app.get goes through router.route (an own override), whose layer is last with .handle', async () => {
    const { app } = appOfAdapter();
    const router = app.router;
    const route = router.route;
    const seen: string[] = [];
    router.route = function (this: any, path: unknown) {
      const made = route.call(this, path);
      const layer = this.stack[this.stack.length - 1];
      expect(layer.route).toBe(made);
      const handle = layer.handle;
      layer.handle = (req: any, res: unknown, next: unknown) => {
        seen.push(req.params.id);
        return handle(req, res, next);
      };
      return made;
    };
    app.get('/users/:id', (_req: unknown, res: any) => res.send('ok'));
    await request(app).get('/users/abc').expect(200);
    expect(seen).toEqual(['abc']);
  });

  // lib/routing/express-routing.ts routes strictly and case-sensitively, as Fastify does.
  it('router.strict and router.caseSensitive set after the router exists apply to routes added later', async () => {
    const { app } = appOfAdapter();
    expect(app.router).toBeDefined(); // the adapter's constructor made it already
    app.router.strict = true;
    app.router.caseSensitive = true;
    app.get('/users', (_req: unknown, res: any) => res.send('ok'));
    await request(app).get('/users').expect(200);
    await request(app).get('/users/').expect(404);
    await request(app).get('/Users').expect(404);
  });
});

describe('Express final handler (app.handle)', () => {
  // lib/platform/framework-internals.ts (setExpressFinalHandler), used by unmatched-routes.ts:
  // outside Nest's global prefix, what no route ended would get Express's HTML 404 instead.
  it('app.handle(req, res, callback) calls callback, not finalhandler, when nothing matched', async () => {
    const { app } = appOfAdapter();
    app.get('/known', (_req: any, res: any) => res.send('ok'));
    const handle = app.handle;
    const seen: unknown[] = [];
    app.handle = function (req: any, res: any, callback?: (error?: unknown) => void) {
      return handle.call(
        this,
        req,
        res,
        callback ??
          ((error?: unknown) => {
            seen.push(error);
            res.status(299).end('ours');
          }),
      );
    };
    const res = await request(app).get('/unknown');
    expect(res.status).toBe(299);
    expect(res.text).toBe('ours');
    expect(seen).toEqual([undefined]);
    await request(app).get('/known').expect(200, 'ok');
    expect(seen).toHaveLength(1);
  });
});

describe('Express request and response', () => {
  // lib/conditional/express-conditionals.ts: `fresh` is overridden there for this app's requests;
  // lib/request-state.ts keeps Express state in a WeakMap because `req` is an IncomingMessage.
  it('app.request is the prototype of each req, itself an IncomingMessage', async () => {
    const { app } = appOfAdapter();
    let proto: unknown;
    let isMessage = false;
    app.get('/x', (req: any, res: any) => {
      proto = Object.getPrototypeOf(req);
      isMessage = req instanceof IncomingMessage;
      res.send('ok');
    });
    await request(app).get('/x').expect(200);
    expect(proto).toBe(app.request);
    expect(isMessage).toBe(true);
  });

  // lib/conditional/express-conditionals.ts: without the override Express answers 304 on its own.
  it('res.send answers 304 from req.fresh; a `fresh` getter on app.request turns it off', async () => {
    const tag = '"v1"';
    const routes = (app: any) =>
      app.get('/x', (_req: unknown, res: any) => res.set('ETag', tag).send('body'));
    const plain = appOfAdapter().app;
    routes(plain);
    await request(plain).get('/x').set('If-None-Match', tag).expect(304);

    const overridden = appOfAdapter().app;
    Object.defineProperty(overridden.request, 'fresh', { configurable: true, get: () => false });
    routes(overridden);
    await request(overridden).get('/x').set('If-None-Match', tag).expect(200, 'body');
  });

  // lib/conditional/express-conditionals.ts: our strong tag only, not Express's weak SHA-1.
  it("app.set('etag', false) stops res.send from adding its own ETag", async () => {
    const plain = appOfAdapter().app;
    plain.get('/x', (_req: unknown, res: any) => res.send('body'));
    const tagged = await request(plain).get('/x').expect(200);
    expect(tagged.headers.etag).toMatch(/^W\//);

    const off = appOfAdapter().app;
    off.set('etag', false);
    off.get('/x', (_req: unknown, res: any) => res.send('body'));
    const untagged = await request(off).get('/x').expect(200);
    expect(untagged.headers.etag).toBeUndefined();
  });
});

describe('body-parser, as Nest registers it', () => {
  // lib/validation/body-media.ts finds the first parser by these names and keeps them on its wrap.
  it('parsers are layers named jsonParser / urlencodedParser / textParser / rawParser', () => {
    const { adapter, app } = appOfAdapter();
    adapter.registerParserMiddleware();
    const names = app.router.stack.map((layer: any) => layer.handle?.name);
    expect(names).toEqual(expect.arrayContaining(['jsonParser', 'urlencodedParser']));
    expect([express.text().name, express.raw().name]).toEqual(['textParser', 'rawParser']);
  });

  // lib/validation/body-media.ts checks the request head inside the first parser's layer.
  it("a parser layer's `handle` replaced after registration is what Express calls", async () => {
    const { adapter, app } = appOfAdapter();
    adapter.registerParserMiddleware();
    const layer = app.router.stack.find((l: any) => l.handle?.name === 'jsonParser');
    const parse = layer.handle;
    const seen: unknown[] = [];
    layer.handle = (req: any, res: unknown, next: () => void) => {
      seen.push(req.body);
      parse(req, res, next);
    };
    app.post('/', (req: any, res: any) => res.json(req.body));
    await request(app).post('/').send({ a: 1 }).expect(200, { a: 1 });
    expect(seen).toEqual([undefined]);
  });

  // lib/errors/error-normalizer.ts answers MALFORMED_JSON with the position from `body`.
  it('malformed JSON: a SyntaxError, status 400, type entity.parse.failed, the raw text as body', async () => {
    const app = express();
    app.use(express.json());
    echoErrors(app);
    const answer = await request(app)
      .post('/')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(200);
    expect(answer.body).toEqual({
      name: 'SyntaxError',
      status: 400,
      statusCode: 400,
      expose: true,
      type: 'entity.parse.failed',
      body: '{"a":',
    });
  });

  // lib/errors/error-normalizer.ts: valid JSON the strict parser refuses is INVALID_BODY, not MALFORMED_JSON.
  it('a JSON body that is not an object or array: the same error, its text valid JSON', async () => {
    const app = express();
    app.use(express.json());
    echoErrors(app);
    const answer = await request(app)
      .post('/')
      .set('Content-Type', 'application/json')
      .send('42')
      .expect(200);
    expect(answer.body).toMatchObject({ type: 'entity.parse.failed', status: 400, body: '42' });
  });

  // lib/errors/error-normalizer.ts: any 413 cause is CONTENT_TOO_LARGE.
  it('a body over the limit: status 413, type entity.too.large', async () => {
    const app = express();
    app.use(express.json({ limit: 10 }));
    echoErrors(app);
    const answer = await request(app)
      .post('/')
      .set('Content-Type', 'application/json')
      .send('{"a":"0123456789"}')
      .expect(200);
    expect(answer.body).toMatchObject({ status: 413, type: 'entity.too.large', expose: true });
  });

  // lib/validation/body-media.ts turns this {} back into no body (Fastify refuses an empty body).
  it('an empty JSON body (Content-Length: 0) is parsed into {}', async () => {
    const app = express();
    app.use(express.json());
    let body: unknown = 'untouched';
    app.post('/', (req: any, res: any) => {
      body = req.body;
      res.send('ok');
    });
    await request(app)
      .post('/')
      .set('Content-Type', 'application/json')
      .set('Content-Length', '0')
      .expect(200);
    expect(body).toEqual({});
  });

  // lib/validation/body-media.ts: a media type no parser takes leaves req.body undefined (we answer 415).
  it('a body of a media type no parser takes leaves req.body undefined', async () => {
    const app = express();
    app.use(express.json());
    let body: unknown = 'untouched';
    app.post('/', (req: any, res: any) => {
      body = req.body;
      res.send('ok');
    });
    await request(app).post('/').set('Content-Type', 'text/plain').send('hello').expect(200);
    expect(body).toBeUndefined();
  });
});
