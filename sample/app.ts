import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { statusFrameworkErrors } from '../lib';
import { AppModule } from './app.module';
import type { SampleConfig } from './config/sample-config';
import { serveDocs } from './openapi/serve-docs';

/**
 * The largest request body, in bytes, on either adapter: 1 MiB, Fastify's default. (Express's
 * own default is 100 kb, so the same body would be 413 on one adapter and accepted on the other.)
 */
export const BODY_LIMIT = 1024 * 1024;

/** Creates (not yet listening) the sample app on the configured adapter, as `main.ts` runs it. */
export async function createSampleApp(
  config: SampleConfig,
  logger: LogLevel[] | false = ['error', 'warn'],
): Promise<INestApplication> {
  if (config.adapter === 'fastify') {
    const adapter = new FastifyAdapter({
      frameworkErrors: statusFrameworkErrors,
      bodyLimit: BODY_LIMIT,
    });
    const app = await NestFactory.create(AppModule.forConfig(config), adapter, { logger });
    app.enableShutdownHooks();
    serveDocs(app);
    return app;
  }
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forConfig(config),
    new ExpressAdapter(),
    { logger },
  );
  // Registered before init, Nest sees a `jsonParser` / `urlencodedParser` in place and does not
  // add its own 100 kb ones.
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: true });
  app.enableShutdownHooks();
  serveDocs(app);
  return app;
}

/** `http://127.0.0.1:3000`, `http://[::1]:3000`. */
export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
