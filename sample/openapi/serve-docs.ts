import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { createStatusDocument, withRequestId } from '../../lib/openapi';

/** The sample's OpenAPI document: swagger's scan, completed by nestjs-status from its metadata. */
export function sampleDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('nestjs-status sample API')
    .setDescription('Every status, header and error body this API answers, from nestjs-status.')
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'Local development server (the one serving this document)')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'HS256 access token from POST /api/auth/token, handled per RFC8725.',
    })
    .build();
  const document = createStatusDocument(app, config);
  // Who the server is for (OWASP API9): this one is public, not internal.
  for (const server of document.servers ?? []) Object.assign(server, { 'x-internal': false });
  return document;
}

/**
 * `GET /openapi.json` and Swagger UI at `GET /docs`, through `SwaggerModule.setup`. Swagger UI's
 * assets need `@fastify/static` on Fastify; without it, the document is still set up there and
 * the page and its assets are served from `swagger-ui-dist` by four plain routes.
 */
export function serveDocs(app: INestApplication): void {
  const document = sampleDocument(app);
  const fastify = app.getHttpAdapter().getType() === 'fastify';
  const ui = !fastify || canLoad('@fastify/static');
  // Swagger serves these on the adapter, past the reply step that gives every answer its id.
  withRequestId(app, ['/openapi.json', '/docs']);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    ui,
    raw: ['json'],
  });
  if (!ui) serveUiWithoutStatic(app);
}

function canLoad(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'application/javascript',
  'swagger-ui-standalone-preset.js': 'application/javascript',
};

/** Swagger UI's page over `/openapi.json`, for Fastify without `@fastify/static`. */
function serveUiWithoutStatic(app: INestApplication): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const root: string = require('swagger-ui-dist').getAbsoluteFSPath();
  const adapter = app.getHttpAdapter();
  const page = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>nestjs-status sample API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/docs-init.js"></script></body></html>`;
  const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });`;
  const send = (type: string, body: string | Buffer) => (_req: unknown, reply: any) =>
    reply.type(type).send(body);
  adapter.get('/docs', send('text/html; charset=utf-8', page));
  adapter.get('/docs/docs-init.js', send('application/javascript', init));
  for (const [file, type] of Object.entries(ASSETS)) {
    adapter.get(`/docs/${file}`, send(type, readFileSync(join(root, file))));
  }
}
