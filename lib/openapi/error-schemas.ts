import type { ResolvedErrorsOptions } from '../options/status-options';

/** A JSON Schema object as OpenAPI 3.0 writes it. */
export type SchemaObject = Record<string, unknown>;

/** Names of the reusable schemas this module adds under `components.schemas`. */
export const ERROR_SCHEMA = { envelope: 'ErrorEnvelope', problem: 'ProblemDetails' } as const;

const text = (description: string, maxLength = 2048): SchemaObject => ({
  type: 'string',
  maxLength,
  description,
});

const CODE: SchemaObject = {
  type: 'string',
  pattern: '^[A-Z][A-Z0-9_]*$',
  maxLength: 100,
  description: 'Machine-readable UPPER_SNAKE code.',
};

const REQUEST_ID: SchemaObject = text('The request id, also sent in `X-Request-Id`.', 200);

/** One `details` entry of the envelope (a `FieldProblem`). */
const FIELD_PROBLEM: SchemaObject = {
  type: 'object',
  required: ['field', 'message', 'code'],
  properties: {
    field: text('Dotted path of the field: `email`, `items[0].sku`.', 500),
    message: text('What is wrong with it.'),
    code: CODE,
  },
};

/** One `errors` entry of a problem document (RFC 9457 extension member). */
const PROBLEM_ERROR: SchemaObject = {
  type: 'object',
  required: ['detail', 'pointer', 'code'],
  properties: {
    detail: text('What is wrong with the field.'),
    pointer: text('JSON Pointer (RFC 6901) to the field: `#/items/0/sku`.', 500),
    code: CODE,
  },
};

/**
 * The error body schemas the app really sends, built like `ErrorBodyBuilder` builds bodies:
 * the guide's envelope, or RFC 9457 problem details. Extra members (`field`, `currentVersion`,
 * `retryAfter`) are allowed: the operation's own schema names those it knows of.
 */
export function errorSchemas(): Record<string, SchemaObject> {
  return {
    [ERROR_SCHEMA.envelope]: {
      type: 'object',
      description: 'The error envelope: `{ error, message, code, details?, requestId, docs? }`.',
      required: ['error', 'message', 'code', 'requestId'],
      properties: {
        error: text('Reason phrase of the status, e.g. `Not Found`.', 100),
        message: text('What went wrong, for a person.'),
        code: CODE,
        details: { type: 'array', maxItems: 100, items: FIELD_PROBLEM },
        requestId: REQUEST_ID,
        docs: { type: 'string', format: 'uri', maxLength: 2048 },
      },
    },
    [ERROR_SCHEMA.problem]: {
      type: 'object',
      description: 'RFC 9457 problem details, with `code`, `requestId` and `errors` members.',
      required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
      properties: {
        type: { type: 'string', format: 'uri-reference', maxLength: 2048 },
        title: text('Reason phrase of the status.', 100),
        status: { type: 'integer', format: 'int32', minimum: 400, maximum: 599 },
        detail: text('What went wrong, for a person.'),
        instance: { type: 'string', format: 'uri-reference', maxLength: 2048 },
        code: CODE,
        requestId: REQUEST_ID,
        errors: { type: 'array', maxItems: 100, items: PROBLEM_ERROR },
      },
    },
  };
}

/** `application/json` for the envelope, `application/problem+json` for problem details. */
export function errorMediaType(format: ResolvedErrorsOptions['format']): string {
  return format === 'problem' ? 'application/problem+json' : 'application/json';
}

/** The base error schema of a format, as a `$ref`. */
export function errorSchemaRef(format: ResolvedErrorsOptions['format']): SchemaObject {
  const name = format === 'problem' ? ERROR_SCHEMA.problem : ERROR_SCHEMA.envelope;
  return { $ref: `#/components/schemas/${name}` };
}
