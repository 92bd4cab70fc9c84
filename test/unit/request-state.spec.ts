import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Controller, Get } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { StatusModule } from '../../lib';
import { peekState, stateOf } from '../../lib/request-state';

@Controller('ping')
class PingController {
  @Get()
  ping() {
    return { ok: true };
  }
}

describe('request state', () => {
  it("keeps a Node request's state beside it, adding nothing to the request itself", () => {
    const request = new IncomingMessage(new Socket());
    const own = Reflect.ownKeys(request);
    expect(peekState(request)).toBeUndefined();
    const state = stateOf(request);
    state.requestId = 'req_1';
    expect(stateOf(request)).toBe(state);
    expect(peekState(request)?.requestId).toBe('req_1');
    expect(Reflect.ownKeys(request)).toEqual(own);
  });

  it('keeps any other request object (Fastify) state on the object, one per request', () => {
    const a = {};
    const b = {};
    stateOf(a).deleteMissing = 204;
    expect(stateOf(a).deleteMissing).toBe(204);
    expect(peekState(b)).toBeUndefined();
    expect(stateOf(b).deleteMissing).toBeUndefined();
    expect(Object.getOwnPropertySymbols(a)).toHaveLength(1);
  });

  it('gives every state the same members from the start', () => {
    expect(Object.keys(stateOf({})).sort()).toEqual(
      [
        'auth',
        'authGuardRan',
        'conditionalApplied',
        'creation',
        'deleteMissing',
        'noAutoEtag',
        'requestId',
        'throttle',
        'throttleCounted',
        'throttleError',
        'throttleUncounted',
      ].sort(),
    );
  });
});

describe('request state on Fastify', () => {
  it("is declared on Fastify's Request class, so every request is built with its slot", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [StatusModule.forRoot()],
      controllers: [PingController],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    const keysAtArrival: (string | symbol)[][] = [];
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', (request: object, _reply: unknown, done: () => void) => {
        keysAtArrival.push(Reflect.ownKeys(request));
        done();
      });
    await app.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${await app.getUrl()}/ping`);
      expect(res.status).toBe(200);
      // The slot exists when the request arrives, before anything of ours ran.
      const slot = keysAtArrival[0].find((key) => String(key).includes('nestjs-status'));
      expect(slot).toBeDefined();
    } finally {
      await app.close();
    }
  });
});
