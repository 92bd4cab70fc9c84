import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Agent, interceptors, request } from 'undici';
import { StatusModule } from '../../lib';
import { ADAPTERS, RunningApp, startApp } from '../support/http-app';
import {
  DocsController,
  DocStore,
  DocVersions,
  HashedController,
  note,
} from './fixtures/conditional.fixture';

/** What the server saw and answered, request by request. */
interface Exchange {
  ifNoneMatch?: string;
  status: number;
}

describe.each(ADAPTERS)('a real HTTP cache revalidating against us on %s', (_name, makeAdapter) => {
  let running: RunningApp;
  let exchanges: Exchange[];
  let agent: Agent;
  beforeAll(async () => {
    running = await startApp(
      {
        imports: [StatusModule.forRoot()],
        controllers: [DocsController, HashedController],
        providers: [DocStore, DocVersions],
      },
      makeAdapter,
    );
    const server: Server = running.app.getHttpServer();
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      res.on('finish', () =>
        exchanges.push({ ifNoneMatch: req.headers['if-none-match'], status: res.statusCode }),
      );
    });
  });
  beforeEach(() => {
    exchanges = [];
    running.app.get(DocStore).reset();
    // undici's RFC 9111 cache (in memory), fresh for each test.
    agent = new Agent().compose(interceptors.cache()) as Agent;
  });
  afterEach(() => agent.close());
  afterAll(() => running.close());

  async function get(path: string) {
    const res = await request(`${running.url}${path}`, { dispatcher: agent });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  }

  it('revalidates a no-cache response with If-None-Match on its own and gets 304', async () => {
    const first = await get('/hashed/item');
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-z]+-[0-9a-z]+"$/);

    const second = await get('/hashed/item');
    // The client sees the cached 200; the server answered 304 to the cache's own revalidation.
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body)).toEqual(note);
    expect(exchanges).toEqual([
      { ifNoneMatch: undefined, status: 200 },
      { ifNoneMatch: etag, status: 304 },
    ]);
  });

  it('gets the new representation once the resource changed', async () => {
    const first = await get('/docs/42');
    expect(first.headers.etag).toBe('"v5"');
    running.app.get(DocStore).save('42', { title: 'Changed' });

    const second = await get('/docs/42');
    expect(second.status).toBe(200);
    expect(second.headers.etag).toBe('"v6"');
    expect(JSON.parse(second.body).title).toBe('Changed');
    expect(exchanges).toEqual([
      { ifNoneMatch: undefined, status: 200 },
      { ifNoneMatch: '"v5"', status: 200 },
    ]);
  });
});
