import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { BenchAppModule, Profile, Variant } from './api/bench-app.module';
import { libraryFeatures } from './api/features';
import { serveParent } from './harness/child-ipc';

/**
 * One server under test:
 * `node dist/bench/server.js --adapter express|fastify --variant bare|ours [--profile rate-limited]`.
 * Listens on a free loopback port and prints it; forked by `bench/run.ts`, it also reports
 * over IPC which library features it wired in.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      adapter: { type: 'string', default: 'express' },
      variant: { type: 'string', default: 'ours' },
      profile: { type: 'string', default: 'plain' },
      // For diagnosis: StatusModule options as JSON, e.g. '{"conditional":false}' (ours only).
      options: { type: 'string', default: '{}' },
    },
  });
  const variant = values.variant as Variant;
  if (!['bare', 'ours', 'noop', 'floor'].includes(variant))
    throw new Error('--variant is bare, ours, noop or floor');
  const profile = values.profile as Profile;
  if (profile !== 'plain' && profile !== 'rate-limited') {
    throw new Error('--profile is plain or rate-limited');
  }
  const adapter = values.adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  if (values.adapter !== 'fastify' && values.adapter !== 'express') {
    throw new Error('--adapter is express or fastify');
  }
  if (variant === 'floor') {
    if (!(adapter instanceof FastifyAdapter)) throw new Error('--variant floor is for fastify');
    addContractHeaders(adapter);
  }
  const app = await NestFactory.create(
    BenchAppModule.forVariant(
      variant === 'floor' ? 'bare' : variant,
      profile,
      JSON.parse(values.options),
    ),
    adapter,
    {
      logger: false,
    },
  );
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const features = variant === 'ours' ? [...libraryFeatures()] : [];
  serveParent(`http://127.0.0.1:${port}`, features);
  // A clean exit (not death by signal), so `--cpu-prof` gets to write its profile.
  process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
}

/**
 * The `floor` variant: on every response, the two headers a tagged GET of ours carries, at the
 * least they can cost: an `X-Request-Id` of ours' shape from a counter and a constant `ETag` (no
 * hashing, no state, no logic), set in one `onRequest` hook. What any implementation of the
 * contract pays on top of bare Nest.
 */
function addContractHeaders(adapter: FastifyAdapter): void {
  // 32 digits after `req_`, as ours: 20 fixed, then 12 from a counter written in decimal (the
  // cheapest number formatting, and still hex digits).
  let sequence = 1e11;
  adapter.getInstance().addHook('onRequest', (_request: unknown, reply: any, done: () => void) => {
    reply.header('x-request-id', 'req_00000000000000000000' + ++sequence);
    reply.header('etag', '"107-1234567890"');
    done();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
