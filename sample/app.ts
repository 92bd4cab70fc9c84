import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { statusFrameworkErrors } from '../lib';
import { AppModule } from './app.module';
import type { SampleConfig } from './config/sample-config';

/** Creates (not yet listening) the sample app on the configured adapter, as `main.ts` runs it. */
export async function createSampleApp(
  config: SampleConfig,
  logger: LogLevel[] | false = ['error', 'warn'],
): Promise<INestApplication> {
  const adapter =
    config.adapter === 'fastify'
      ? new FastifyAdapter({ frameworkErrors: statusFrameworkErrors })
      : new ExpressAdapter();
  const app = await NestFactory.create(AppModule.forConfig(config), adapter, { logger });
  app.enableShutdownHooks();
  return app;
}

/** `http://127.0.0.1:3000`, `http://[::1]:3000`. */
export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
