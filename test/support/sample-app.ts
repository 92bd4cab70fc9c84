import type { INestApplication } from '@nestjs/common';
import { createSampleApp } from '../../sample/app';
import { configWith, SampleConfig } from '../../sample/config/sample-config';

/** Adapter names for `describe.each(SAMPLE_ADAPTERS)` over the sample app. */
export const SAMPLE_ADAPTERS = ['express', 'fastify'] as const;

export interface RunningSample {
  app: INestApplication;
  url: string;
  config: SampleConfig;
  close(): Promise<void>;
}

/** Starts the sample exactly as `main.ts` does (NestFactory), on 127.0.0.1 and a free port. */
export async function startSample(
  adapter: SampleConfig['adapter'],
  overrides: Partial<SampleConfig> = {},
): Promise<RunningSample> {
  const config = configWith({ adapter, port: 0, reportDelayMs: 50, ...overrides });
  const app = await createSampleApp(config, false);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  return { app, url: `http://127.0.0.1:${port}`, config, close: () => app.close() };
}
