import { createSampleApp, urlOf } from './app';
import { loadConfig } from './config/sample-config';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  if (config.jwtSecretIsDefault) {
    console.warn(
      'JWT_SECRET is not set: signing tokens with a development secret. Set JWT_SECRET outside development.',
    );
  }
  const app = await createSampleApp(config);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address();
  console.log(
    `nestjs-status sample API (${config.adapter}) listening on ${urlOf(config.host, port)}`,
  );
}

bootstrap().catch((error: Error) => {
  console.error(`The sample API could not start: ${error.message}`);
  process.exit(1);
});
