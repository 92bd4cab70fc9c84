import type { ErrorDescriptor } from './error-descriptor';
import { reasonPhrase } from './reason-phrases';
import type { ResolvedErrorsOptions } from '../options/status-options';
import { JSON_TYPE } from '../platform/reply-hook';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** Members of the envelope that extras may not replace. */
const ENVELOPE_KEYS = new Set(['error', 'message', 'code', 'details', 'requestId', 'docs']);
/** Members of a problem document that extras may not replace. */
const PROBLEM_KEYS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'requestId',
  'errors',
]);

/** Serializes an `ErrorDescriptor` as the guide's envelope or as RFC 9457 problem details. */
export class ErrorBodyBuilder {
  constructor(private readonly options: Pick<ResolvedErrorsOptions, 'format' | 'docsUrl'>) {}

  build(
    descriptor: ErrorDescriptor,
    requestId: string,
    instance?: string,
  ): { contentType: string; body: string; object: Record<string, unknown> } {
    if (this.options.format === 'problem') {
      const object = this.problem(descriptor, requestId, instance);
      return { contentType: PROBLEM_TYPE, body: JSON.stringify(object), object };
    }
    const object = this.envelope(descriptor, requestId);
    return { contentType: JSON_TYPE, body: JSON.stringify(object), object };
  }

  /** `{ error, message, code, details?, ...extras, requestId, docs? }` */
  envelope(descriptor: ErrorDescriptor, requestId: string): Record<string, unknown> {
    const body: Record<string, unknown> = {
      error: reasonPhrase(descriptor.status),
      message: descriptor.message,
      code: descriptor.code,
    };
    if (descriptor.details && descriptor.details.length > 0) body.details = descriptor.details;
    copyExtras(body, descriptor.extras, ENVELOPE_KEYS);
    body.requestId = requestId;
    const docs = this.options.docsUrl?.(descriptor.code);
    if (docs) body.docs = docs;
    return body;
  }

  /**
   * RFC 9457: `{ type, title, status, detail, instance?, code, requestId, errors?, ...extras }`.
   * An HTTP error has no `instance`: its `requestId` names the occurrence, and the request's own
   * path would tell a hidden 404 (`@HideForbidden`) from a real one. A failed job's error names
   * its status monitor.
   */
  problem(
    descriptor: ErrorDescriptor,
    requestId: string,
    instance?: string,
  ): Record<string, unknown> {
    const body: Record<string, unknown> = {
      type: this.options.docsUrl?.(descriptor.code) ?? 'about:blank',
      title: reasonPhrase(descriptor.status),
      status: descriptor.status,
      detail: descriptor.message,
    };
    if (instance !== undefined) body.instance = instance;
    body.code = descriptor.code;
    body.requestId = requestId;
    if (descriptor.details && descriptor.details.length > 0) {
      body.errors = descriptor.details.map((d) => ({
        detail: d.message,
        pointer: toJsonPointer(d.field),
        code: d.code,
      }));
    }
    copyExtras(body, descriptor.extras, PROBLEM_KEYS);
    return body;
  }
}

function copyExtras(
  body: Record<string, unknown>,
  extras: Record<string, unknown> | undefined,
  reserved: Set<string>,
): void {
  if (!extras) return;
  for (const key of Object.keys(extras)) {
    if (!reserved.has(key) && extras[key] !== undefined) body[key] = extras[key];
  }
}

/** `items[0].sku` → `#/items/0/sku` (RFC 6901, with `~` and `/` escaped). */
export function toJsonPointer(field: string): string {
  if (field === '') return '#';
  const segments = field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '')
    .map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1'));
  return '#/' + segments.join('/');
}
