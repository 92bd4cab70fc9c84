import { writeFileSync } from 'node:fs';
import { createSampleApp } from '../app';
import { configWith, type SampleConfig } from '../config/sample-config';
import { sampleDocument } from './serve-docs';

/**
 * Writes the sample's OpenAPI document to the file named by the first argument (for the linters
 * in CI), as the app serves it at `GET /openapi.json`. `ERROR_FORMAT=problem` gives that format's.
 */
async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: write-document <file.json>');
  const format = (process.env.ERROR_FORMAT ?? 'envelope') as SampleConfig['errorFormat'];
  const app = await createSampleApp(configWith({ errorFormat: format }), false);
  writeFileSync(file, JSON.stringify(sampleDocument(app), null, 2));
  await app.close();
}

main().catch((error: Error) => {
  console.error(`Could not write the OpenAPI document: ${error.message}`);
  process.exit(1);
});
