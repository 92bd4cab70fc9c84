import request from 'supertest';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { StatusModule } from '../../lib';
import { REQUEST_ID, RunningApp, startApp } from '../support/http-app';
import { ItemsController } from './fixtures/coexistence.fixture';

/** The header names a subclass's `setHeader` was asked to set, lower-cased. */
type SetNames = string[];

/** Adapters whose `setHeader` is overridden to record every header set through it. */
class RecordingExpressAdapter extends ExpressAdapter {
  readonly names: SetNames = [];
  override setHeader(response: any, name: string, value: string): unknown {
    this.names.push(name.toLowerCase());
    return super.setHeader(response, name, value);
  }
}

class RecordingFastifyAdapter extends FastifyAdapter {
  readonly names: SetNames = [];
  override setHeader(
    response: any,
    name: string,
    value: string,
  ): ReturnType<FastifyAdapter['setHeader']> {
    this.names.push(name.toLowerCase());
    return super.setHeader(response, name, value);
  }
}

// The reply hook sets the request id straight on the response only while `setHeader` is Nest's
// own: a subclass that overrides it still sees the id go through it.
describe.each([
  ['express', () => new RecordingExpressAdapter()],
  ['fastify', () => new RecordingFastifyAdapter()],
] as const)('a subclassed adapter overriding setHeader on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let adapter: RecordingExpressAdapter | RecordingFastifyAdapter;

  beforeAll(async () => {
    running = await startApp(
      { imports: [StatusModule.forRoot()], controllers: [ItemsController] },
      () => (adapter = makeAdapter()),
    );
  });
  afterAll(() => running.close());

  it('sets the request id and the ETag of a success through the override', async () => {
    adapter.names.length = 0;
    const res = await request(running.url).get('/items/1');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(adapter.names).toEqual(expect.arrayContaining(['x-request-id', 'etag']));
  });
});
