import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Controller, Get } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { StatusModule } from '../../lib';
import { RequestSlot } from '../../lib/platform/request-state';

@Controller('ping')
class PingController {
  @Get()
  ping() {
    return { ok: true };
  }
}

describe('request state', () => {
  const name = new RequestSlot<string>('name');
  const count = new RequestSlot<number>('count');

  it("keeps a Node request's slots beside it, adding nothing to the request itself", () => {
    const request = new IncomingMessage(new Socket());
    const own = Reflect.ownKeys(request);
    expect(name.get(request)).toBeUndefined();
    name.set(request, 'req_1');
    expect(name.get(request)).toBe('req_1');
    expect(count.get(request)).toBeUndefined();
    expect(Reflect.ownKeys(request)).toEqual(own);
  });

  it('keeps any other request object (Fastify) slots on the object, one holder per request', () => {
    const a = {};
    const b = {};
    count.set(a, 204);
    name.set(a, 'x');
    expect(count.get(a)).toBe(204);
    expect(name.get(a)).toBe('x');
    expect(count.get(b)).toBeUndefined();
    expect(Object.getOwnPropertySymbols(a)).toHaveLength(1);
    expect(Object.getOwnPropertySymbols(b)).toHaveLength(0);
  });

  it('gives each slot its own place: two slots never see each other', () => {
    const request = {};
    const other = new RequestSlot<string>('name');
    name.set(request, 'mine');
    expect(other.get(request)).toBeUndefined();
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
      const slot = keysAtArrival[0].find((key) =>
        String(key).includes('nestjs-status.requestSlots'),
      );
      expect(slot).toBeDefined();
    } finally {
      await app.close();
    }
  });
});
