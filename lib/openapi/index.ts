// nestjs-status/openapi: the OpenAPI document of an app, from the library's own metadata.
// Needs the optional peer `@nestjs/swagger`; nothing here is loaded by the root entry.
export { createStatusDocument } from './status-document';
export type { StatusDocumentOptions } from './status-document';
export { MayCreate, Throws } from './throws.decorator';
export type { ThrownError } from './throws.decorator';
export { withRequestId } from './docs-request-id';
export { ContractRecorder } from './testing';
export type { Exchange } from './testing';
