import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ContractRecorder, createStatusDocument } from '../../lib/openapi';

/** Both adapters, for `describe.each(ADAPTERS)`: every HTTP behaviour is proven on each. */
export type AdapterName = 'express' | 'fastify';

export const ADAPTERS: ReadonlyArray<
  readonly [AdapterName, () => ExpressAdapter | FastifyAdapter]
> = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
];

export interface RunningApp {
  app: INestApplication;
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

/** How `startApp` prepares and checks the app. */
export interface StartOptions {
  /** Runs before the app listens. */
  setup?: (app: INestApplication) => void | Promise<void>;
  /**
   * `false` leaves this app out of the contract check; say why at the call site (an app without
   * our filter, a route that sets its own media type on purpose, an app with no routes).
   */
  contract?: false;
}

/**
 * Compiles `metadata` as a testing module and serves it on a free loopback port. Unless the
 * options say `contract: false`, every exchange is checked against the app's own OpenAPI
 * document (`createStatusDocument`) when it closes.
 */
export async function startApp(
  metadata: ModuleMetadata,
  makeAdapter: () => ExpressAdapter | FastifyAdapter,
  setupOrOptions?: StartOptions['setup'] | StartOptions,
): Promise<RunningApp> {
  const options: StartOptions =
    typeof setupOrOptions === 'function' ? { setup: setupOrOptions } : (setupOrOptions ?? {});
  const setup = options.setup;
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication(makeAdapter(), { logger: false });
  await setup?.(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${address.port}`;
  // On unless `OPENAPI_CONTRACT=0`, on both adapters.
  if (process.env.OPENAPI_CONTRACT === '0' || options.contract === false)
    return { app, url, close: () => app.close() };
  // Every exchange is checked against the app's own document on close.
  const contract = ContractRecorder.attach(app);
  const close = async () => {
    const document = createStatusDocument(app, {
      openapi: '3.0.0',
      info: { title: 'test', version: '1' },
    });
    contract.detach();
    await app.close();
    if (document) contract.assertMatches(document);
  };
  return { app, url, close };
}

/** The keys and value types of an envelope body, to compare shapes across statuses. */
export function shapeOf(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(body)
      .sort()
      .map((k) => [k, Array.isArray(body[k]) ? 'array' : typeof body[k]]),
  );
}

export const REQUEST_ID = /^req_[0-9a-f]{32}$/;
