import { STATUS_CODES } from 'node:http';

/** RFC 9110 wording where it differs from Node's `http.STATUS_CODES`. */
const RFC_9110_PHRASES: Readonly<Record<number, string>> = {
  413: 'Content Too Large',
  414: 'URI Too Long',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
};

/** The RFC 9110 phrase where Node's status line would say another (`422 Unprocessable Entity`). */
export function rfcPhraseOverride(status: number): string | undefined {
  return RFC_9110_PHRASES[status];
}

/** The RFC 9110 reason phrase of a status, e.g. `reasonPhrase(422)` is `"Unprocessable Content"`. */
export function reasonPhrase(status: number): string {
  return RFC_9110_PHRASES[status] ?? STATUS_CODES[status] ?? 'Unknown Status';
}

/** Machine-readable code used when an error names none, e.g. 404 → `NOT_FOUND`. */
const DEFAULT_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  410: 'GONE',
  412: 'PRECONDITION_FAILED',
  413: 'CONTENT_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  428: 'PRECONDITION_REQUIRED',
  429: 'RATE_LIMIT_EXCEEDED',
  500: 'INTERNAL_ERROR',
  501: 'NOT_IMPLEMENTED',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** The code an error of this status gets when nothing more specific is known. */
export function defaultCode(status: number): string {
  return DEFAULT_CODES[status] ?? toUpperSnake(reasonPhrase(status));
}

/** `EmailTaken` → `EMAIL_TAKEN`, `isEmail` → `IS_EMAIL`, `Not Found` → `NOT_FOUND`. */
export function toUpperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}
