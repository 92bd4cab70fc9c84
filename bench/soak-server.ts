import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { JobRunner } from '../lib/jobs';
import { createSampleApp } from '../sample/app';
import { configWith } from '../sample/config/sample-config';
import { serveParent } from './harness/child-ipc';

/**
 * The sample app as `bench/soak.ts` runs it, in its own process (started with `--expose-gc`):
 * `node --expose-gc dist/bench/soak-server.js --adapter express --config '{"rateLimit":500}'`.
 * Reports over IPC its memory after a full GC and the size of its job store.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      adapter: { type: 'string', default: 'express' },
      config: { type: 'string', default: '{}' },
    },
  });
  const adapter = values.adapter === 'fastify' ? 'fastify' : 'express';
  const config = configWith({ ...JSON.parse(values.config), adapter, port: 0 });
  // Errors and warnings still print: a 5xx during the soak shows up with its stack.
  const app = await createSampleApp(config, ['error', 'warn']);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const jobs = app.get(JobRunner);
  serveParent(`http://127.0.0.1:${port}`, [], () => ({ jobStoreSize: jobs.heldJobs }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
