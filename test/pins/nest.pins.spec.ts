/**
 * Pins on NestJS's own surfaces that the library reads or patches and that Nest does not document
 * as public: each test names the surface, says in a line which file of `lib/` relies on it and
 * what breaks without it. They import Nest itself, never the library, so a Nest upgrade that
 * changes one fails here by name. Where Nest 11 and 12 differ, both shapes are asserted.
 */
import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  INestApplication,
  Injectable,
  Module,
  OnModuleDestroy,
  Post,
  Req,
  RequestMethod,
  UseGuards,
  UseInterceptors,
  type CanActivate,
  type NestInterceptor,
} from '@nestjs/common';
import {
  GUARDS_METADATA,
  HTTP_CODE_METADATA,
  INTERCEPTORS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RouterResponseController } from '@nestjs/core/router/router-response-controller';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { map } from 'rxjs';
import { NEST_MAJOR } from './framework-versions';

class SomeGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

class SomeInterceptor implements NestInterceptor {
  intercept(_context: unknown, next: { handle(): any }) {
    return next.handle();
  }
}

class Payload {
  name!: string;
}

@UseGuards(SomeGuard)
@UseInterceptors(SomeInterceptor)
@Controller('pins')
class DecoratedController {
  @Get('items')
  list(): string[] {
    return [];
  }

  @Post('items')
  @HttpCode(202)
  @UseGuards(SomeGuard)
  @UseInterceptors(SomeInterceptor)
  create(@Body() body: Payload, _extra?: number): Payload {
    return body;
  }
}

describe('Nest metadata keys (@nestjs/common/constants)', () => {
  const proto = DecoratedController.prototype;

  // lib/routing/route-targets.ts finds controller methods by it: without it no route has a target.
  it('PATH_METADATA holds the path @Get gives a method', () => {
    expect(Reflect.getMetadata(PATH_METADATA, proto.list)).toBe('items');
    expect(Reflect.getMetadata(PATH_METADATA, DecoratedController)).toBe('pins');
  });

  // lib/conditional/conditional.interceptor.ts: a POST's default 201 is told by it.
  it('METHOD_METADATA holds the RequestMethod of @Post', () => {
    expect(Reflect.getMetadata(METHOD_METADATA, proto.create)).toBe(RequestMethod.POST);
    expect(Reflect.getMetadata(METHOD_METADATA, proto.list)).toBe(RequestMethod.GET);
  });

  // lib/conditional/conditional.interceptor.ts: a route's own status decides whether it tags writes.
  it('HTTP_CODE_METADATA holds the status of @HttpCode', () => {
    expect(Reflect.getMetadata(HTTP_CODE_METADATA, proto.create)).toBe(202);
    expect(Reflect.getMetadata(HTTP_CODE_METADATA, proto.list)).toBeUndefined();
  });

  // lib/auth/use-auth-guard.ts and status-auth.guard.ts: the guard is added once, own guards are seen.
  it('GUARDS_METADATA holds the @UseGuards list, on the method and on the class', () => {
    expect(Reflect.getMetadata(GUARDS_METADATA, proto.create)).toEqual([SomeGuard]);
    expect(Reflect.getMetadata(GUARDS_METADATA, DecoratedController)).toEqual([SomeGuard]);
  });

  // lib/conditional/use-conditional.ts: without it the interceptor would be bound twice.
  it('INTERCEPTORS_METADATA holds the @UseInterceptors list, on the method and on the class', () => {
    expect(Reflect.getMetadata(INTERCEPTORS_METADATA, proto.create)).toEqual([SomeInterceptor]);
    expect(Reflect.getMetadata(INTERCEPTORS_METADATA, DecoratedController)).toEqual([
      SomeInterceptor,
    ]);
  });

  // lib/openapi/route-answers.ts finds the DTO a route binds (its body, query) by these records.
  it('ROUTE_ARGS_METADATA is a record of { index } on (class, method)', () => {
    class Target {
      make(@Body() _body: Payload, @Req() _request: unknown): void {}
    }
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Target, 'make') as Record<
      string,
      { index: number }
    >;
    expect(
      Object.values(args)
        .map((arg) => arg.index)
        .sort(),
    ).toEqual([0, 1]);
  });

  // lib/openapi/route-answers.ts reads the bound DTO's class at its parameter's index.
  it("'design:paramtypes' lists every declared parameter of a route method", () => {
    const types = Reflect.getMetadata('design:paramtypes', proto, 'create') as unknown[];
    expect(types).toHaveLength(2);
    expect(types[0]).toBe(Payload);
  });
});

describe('Nest core files imported by path', () => {
  // lib/rate-limit/rate-limit-door.ts builds the throttler's context with it, before Nest routes.
  it('@nestjs/core/helpers/execution-context-host exports ExecutionContextHost(args, class, handler)', () => {
    const req = {};
    const res = {};
    const context = new ExecutionContextHost(
      [req, res, () => undefined],
      DecoratedController,
      (DecoratedController.prototype as any).list,
    );
    expect(context.getType()).toBe('http');
    expect(context.getClass()).toBe(DecoratedController);
    expect(context.getHandler()).toBe(DecoratedController.prototype.list);
    expect(context.switchToHttp().getRequest()).toBe(req);
    expect(context.switchToHttp().getResponse()).toBe(res);
  });

  // lib/routing/nest11-adapter-compat.ts tells Nest 12 (sends web Responses) from 11 by `stream`;
  // what its presence means is pinned per adapter below ("a web Response a handler returns").
  it('@nestjs/core/router/router-response-controller: loads by path; `stream` on 12', () => {
    const prototype = RouterResponseController.prototype as any;
    expect(typeof prototype.apply).toBe('function');
    if (NEST_MAJOR >= 12) expect(typeof prototype.stream).toBe('function');
    else expect(['undefined', 'function']).toContain(typeof prototype.stream);
  });
});

@Controller('web')
class WebResponseController {
  @Get('moved')
  moved(): Response {
    return new Response(null, { status: 303, headers: { location: '/web/done' } });
  }
}

const ADAPTERS = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
] as const;

async function appOf(
  controllers: any[],
  adapter: ExpressAdapter | FastifyAdapter,
  providers: any[] = [],
  setup?: (app: INestApplication) => void,
): Promise<INestApplication> {
  @Module({ controllers, providers })
  class PinModule {}
  const moduleRef = await Test.createTestingModule({ imports: [PinModule] }).compile();
  const app = moduleRef.createNestApplication(adapter, { logger: false });
  setup?.(app);
  await app.init();
  if (adapter instanceof FastifyAdapter) await adapter.getInstance().ready();
  return app;
}

describe.each(ADAPTERS)('Nest on %s', (name, makeAdapter) => {
  const className = name === 'express' ? 'ExpressAdapter' : 'FastifyAdapter';
  const AdapterClass: any = name === 'express' ? ExpressAdapter : FastifyAdapter;

  // lib/routing/nest11-adapter-compat.ts: `stream` present means Nest sends a web Response as is.
  it(`a web Response a handler returns: sent as is on 12, handed to ${className}.reply on 11`, async () => {
    const app = await appOf([WebResponseController], makeAdapter());
    try {
      const answer = await request(app.getHttpServer()).get('/web/moved');
      if (typeof (RouterResponseController.prototype as any).stream === 'function') {
        expect(answer.status).toBe(303);
        expect(answer.headers.location).toBe('/web/done');
      } else if (name === 'express') {
        // Nest 11: Express's `reply` serializes the Response as `{}`, which the compat layer fixes.
        expect(answer.status).toBe(200);
      } else {
        // Nest 11: Fastify 5's own `send` honours a Response on GET (a HEAD is what fails there).
        expect([200, 303]).toContain(answer.status);
      }
    } finally {
      await app.close();
    }
  });

  // lib/responses/reply-shaper.ts skips Nest's `reply` only when it is this own prototype method.
  it(`${className}.prototype owns \`reply\`, the class keeps its name, instances do not shadow it`, () => {
    expect(Object.hasOwn(AdapterClass.prototype, 'reply')).toBe(true);
    expect(AdapterClass.prototype.constructor.name).toBe(className);
    const adapter = makeAdapter();
    expect(Object.hasOwn(adapter, 'reply')).toBe(false);
    expect(adapter.reply).toBe(AdapterClass.prototype.reply);
  });

  // lib/responses/reply-shaper.ts: every success is shaped by replacing the instance's `reply`.
  it('an instance-level `reply` set before init sends every handler result, with the route status', async () => {
    const adapter = makeAdapter();
    const calls: { method: string; body: unknown; status: number }[] = [];
    const own = adapter.reply.bind(adapter);
    adapter.reply = (response: any, body?: unknown, statusCode?: number) => {
      // Express's `res.req`, Fastify's `reply.request`: the request the shaper reads.
      const req = name === 'express' ? response.req : response.request;
      calls.push({ method: req.method, body, status: statusCode ?? response.statusCode });
      return own(response, body, statusCode);
    };
    const app = await appOf([DecoratedController], adapter);
    try {
      await request(app.getHttpServer()).get('/pins/items').expect(200);
      await request(app.getHttpServer()).post('/pins/items').send({ name: 'x' }).expect(202);
      expect(calls).toEqual([
        { method: 'GET', body: [], status: 200 },
        { method: 'POST', body: { name: 'x' }, status: 202 },
      ]);
    } finally {
      await app.close();
    }
  });

  // lib/routing/request-hooks.ts chains hooks by reading `onRequestHook` back; the door counts there.
  it('setOnRequestHook stores `onRequestHook`, runs it before the body is parsed, and done(error) answers', async () => {
    const adapter = makeAdapter() as any;
    expect(typeof adapter.setOnRequestHook).toBe('function');
    const seen: unknown[] = [];
    const hook = (req: any, _res: unknown, done: (error?: unknown) => void) => {
      seen.push(req.body);
      done(req.headers['x-refuse'] ? new ForbiddenException() : undefined);
    };
    adapter.setOnRequestHook(hook);
    expect(adapter.onRequestHook).toBe(hook);
    const app = await appOf([DecoratedController], adapter);
    try {
      const server = app.getHttpServer();
      await request(server).post('/pins/items').send({ name: 'x' }).expect(202);
      await request(server).post('/pins/items').set('x-refuse', '1').send({}).expect(403);
      expect(seen).toEqual([undefined, undefined]);
    } finally {
      await app.close();
    }
  });

  // lib/routing/unmatched-routes.ts wraps it to answer 404/405 without Nest's exception.
  it('Nest registers its not-found and error handlers through the instance at init', async () => {
    const adapter = makeAdapter() as any;
    const registered: string[] = [];
    for (const method of ['setNotFoundHandler', 'setErrorHandler']) {
      const own = adapter[method].bind(adapter);
      adapter[method] = (handler: unknown, ...rest: unknown[]) => {
        registered.push(`${method}:${typeof handler}`);
        return own(handler, ...rest);
      };
    }
    const app = await appOf([DecoratedController], adapter);
    try {
      expect(registered.sort()).toEqual([
        'setErrorHandler:function',
        'setNotFoundHandler:function',
      ]);
    } finally {
      await app.close();
    }
  });

  // lib/routing/unmatched-routes.ts answers directly only while the global filters are ours.
  it('ApplicationConfig lists the global filters (getGlobalFilters / getGlobalRequestFilters)', async () => {
    const app = await appOf([DecoratedController], makeAdapter());
    try {
      const config = app.get(ApplicationConfig) as any;
      expect(config.getGlobalFilters()).toEqual([]);
      expect(config.getGlobalRequestFilters()).toEqual([]);
      const filter = { catch: () => undefined };
      app.useGlobalFilters(filter);
      expect(config.getGlobalFilters()).toEqual([filter]);
    } finally {
      await app.close();
    }
  });

  // lib/routing/route-targets.ts maps a registered handler back to its controller method.
  it('each route handler carries its method metadata (and on 12 the name Class.method)', async () => {
    const adapter = makeAdapter() as any;
    const handlers: any[] = [];
    const own = adapter.get.bind(adapter);
    adapter.get = (...args: any[]) => {
      handlers.push(args[args.length - 1]);
      return own(...args);
    };
    const app = await appOf([DecoratedController], adapter);
    try {
      const handler = handlers.find((h) => Reflect.getMetadata(PATH_METADATA, h) === 'items');
      expect(handler).toBeDefined();
      const method = DecoratedController.prototype.list;
      for (const key of Reflect.getOwnMetadataKeys(method)) {
        expect(Reflect.getOwnMetadata(key, handler)).toBe(Reflect.getMetadata(key, method));
      }
      if (NEST_MAJOR >= 12) expect(handler.name).toBe('DecoratedController.list');
    } finally {
      await app.close();
    }
  });

  // lib/routing/route-targets.ts walks the controllers of every module to find route methods.
  it('ModulesContainer: each module has `controllers`, a Map of wrappers with `metatype`', async () => {
    const app = await appOf([DecoratedController], makeAdapter());
    try {
      const metatypes = [...app.get(ModulesContainer).values()].flatMap((module: any) =>
        [...module.controllers.values()].map((wrapper: any) => wrapper.metatype),
      );
      expect(metatypes).toContain(DecoratedController);
    } finally {
      await app.close();
    }
  });

  // lib/platform/framework-internals.ts (bindInnermostNow): @Created's interceptor, put last in the
  // method's INTERCEPTORS_METADATA list, sees the handler's own result before any other one.
  it("a method's interceptors run first to last: the last one in the list sees the result first", async () => {
    const seen: string[] = [];
    const named = (label: string): NestInterceptor => ({
      intercept: (_context, next) =>
        next.handle().pipe(
          map((value: string) => {
            seen.push(`${label}:${value}`);
            return `${label}(${value})`;
          }),
        ),
    });
    const [outer, inner] = [named('outer'), named('inner')];
    @Controller('order')
    class OrderController {
      @Get()
      read(): string {
        return 'x';
      }
    }
    Reflect.defineMetadata(INTERCEPTORS_METADATA, [outer, inner], OrderController.prototype.read);
    const app = await appOf([OrderController], makeAdapter());
    try {
      const res = await request(app.getHttpServer()).get('/order').expect(200);
      expect(res.text).toBe('outer(inner(x))');
      expect(seen).toEqual(['inner:x', 'outer:inner(x)']);
    } finally {
      await app.close();
    }
  });

  // lib/responses/created-route.ts (captureWhereReshaped): an interceptor instance put on a route
  // method from a module's configure(), after Nest read the controllers' enhancers, still runs.
  it('an interceptor instance bound in configure(), before routes are registered, runs', async () => {
    const late: NestInterceptor = {
      intercept: (_context, next) => next.handle().pipe(map((value: string) => `late(${value})`)),
    };
    @Controller('late')
    class LateController {
      @Get()
      read(): string {
        return 'x';
      }
    }
    const app = await appOf([LateController], makeAdapter(), [], (nestApp) => {
      // Nest calls each module's configure() at init, as it calls StatusModule's.
      const modules = nestApp.get(ModulesContainer);
      for (const moduleRef of modules.values()) {
        const instance = moduleRef.instance as { configure?: unknown } | undefined;
        if (instance?.constructor?.name !== 'PinModule') continue;
        (instance as { configure: () => void }).configure = () =>
          Reflect.defineMetadata(INTERCEPTORS_METADATA, [late], LateController.prototype.read);
      }
    });
    try {
      const res = await request(app.getHttpServer()).get('/late').expect(200);
      expect(res.text).toBe('late(x)');
    } finally {
      await app.close();
    }
  });

  // lib/shutdown/graceful-shutdown.ts starts the drain in `beforeClose`, before any destroy hook.
  it('app.close() awaits the adapter `beforeClose` before OnModuleDestroy (12); 11 may skip it', async () => {
    const order: string[] = [];
    @Injectable()
    class Watcher implements OnModuleDestroy {
      onModuleDestroy(): void {
        order.push('destroy');
      }
    }
    const adapter = makeAdapter() as any;
    const own = adapter.beforeClose?.bind(adapter);
    adapter.beforeClose = () => {
      order.push('beforeClose');
      return own?.();
    };
    const app = await appOf([DecoratedController], adapter, [Watcher]);
    await app.close();
    if (NEST_MAJOR >= 12) expect(order).toEqual(['beforeClose', 'destroy']);
    else expect([['beforeClose', 'destroy'], ['destroy']]).toContainEqual(order);
  });

  // lib/status.module.ts installs every patch from configure(): after the parsers, before routes.
  it('a module configure() runs after the body parsers are registered and before any route', async () => {
    const adapter = makeAdapter() as any;
    const seen: { parsers?: string[]; routesBefore?: number } = {};
    const routesAfter: string[] = [];
    @Module({ controllers: [DecoratedController] })
    class ConfiguredModule {
      configure(): void {
        const instance = adapter.getInstance();
        if (name === 'express') {
          const stack: any[] = instance.router.stack;
          seen.parsers = stack.map((layer) => layer.handle?.name).filter((n) => /Parser$/.test(n));
          seen.routesBefore = stack.filter((layer) => layer.route).length;
        } else {
          seen.routesBefore = 0;
          instance.addHook('onRoute', (route: { url: string }) => routesAfter.push(route.url));
        }
      }
    }
    const moduleRef = await Test.createTestingModule({ imports: [ConfiguredModule] }).compile();
    const app = moduleRef.createNestApplication(adapter, { logger: false });
    await app.init();
    try {
      expect(seen.routesBefore).toBe(0);
      if (name === 'express') {
        expect(seen.parsers).toEqual(expect.arrayContaining(['jsonParser', 'urlencodedParser']));
      } else {
        expect(routesAfter).toContain('/pins/items');
      }
    } finally {
      await app.close();
    }
  });

  // lib/errors/status-exception.filter.ts tells Nest's own "no route" 404 by this exact message.
  it("no route matched: Nest's NotFoundException says `Cannot METHOD url`", async () => {
    const app = await appOf([DecoratedController], makeAdapter());
    try {
      const answer = await request(app.getHttpServer()).delete('/nowhere?x=1').expect(404);
      expect(answer.body.message).toBe('Cannot DELETE /nowhere?x=1');
    } finally {
      await app.close();
    }
  });

  // lib/routing/nest11-adapter-compat.ts wraps parser errors itself when this is missing (11).
  it('`mapException` wraps a parser error with the original as cause on 12; on 11 absent or the same', () => {
    const adapter = makeAdapter() as any;
    if (NEST_MAJOR >= 12) expect(typeof adapter.mapException).toBe('function');
    // On 11 the compat layer wraps errors itself, and only while `mapException` is missing.
    if (adapter.mapException === undefined) return;
    const error = Object.assign(new SyntaxError('Unexpected token'), {
      status: 400,
      statusCode: 400,
      expose: true,
      type: 'entity.parse.failed',
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
    });
    const mapped = adapter.mapException(error);
    expect(mapped.getStatus()).toBe(400);
    expect(mapped.cause).toBe(error);
  });
});
