import type { INestApplication } from '@nestjs/common';
import { ContractRecorder } from '../../lib/openapi';
import { createSampleApp } from '../../sample/app';
import { sampleDocument } from '../../sample/openapi/serve-docs';
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
  // Every exchange of the sample's suites is checked against its OpenAPI document on close.
  const contract = ContractRecorder.attach(app);
  const close = async () => {
    const document = sampleDocument(app);
    contract.detach();
    await app.close();
    contract.assertMatches(document);
  };
  return { app, url: `http://127.0.0.1:${port}`, config, close };
}
