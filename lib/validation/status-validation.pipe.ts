import { ArgumentMetadata, Inject, Injectable, Optional, ValidationPipe } from '@nestjs/common';
import { BadRequestError, ValidationFailedError } from '../errors/domain-errors';
import { RESOLVED_STATUS_OPTIONS } from '../status.constants';
import type { ResolvedStatusOptions } from '../status.options';
import { toFieldProblems } from './field-problems';

const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object, Buffer, undefined]);

/**
 * Nest's `ValidationPipe`, set to split what the guide splits: a body that is absent or not an
 * object is 400 (fix how you send it); well-formed input that breaks the DTO's rules is 422
 * `VALIDATION_FAILED` with one `details` entry per field and constraint. Unknown properties are
 * rejected (whitelist). Query and path DTOs go through the same rules.
 */
@Injectable()
export class StatusValidationPipe extends ValidationPipe {
  private readonly enabled: boolean;
  private readonly maxDepth: number;

  constructor(@Optional() @Inject(RESOLVED_STATUS_OPTIONS) options?: ResolvedStatusOptions) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // `value` only tells a missing field from a wrong one; it is never sent.
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new ValidationFailedError(toFieldProblems(errors)),
    });
    this.enabled = options?.validation ?? true;
    this.maxDepth = options?.maxBodyDepth ?? 32;
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!this.enabled) return value;
    if (metadata.type === 'body' && !metadata.data && !PRIMITIVES.has(metadata.metatype)) {
      if (value === undefined) {
        throw new BadRequestError(
          'A request body is required. Send a JSON object.',
          {},
          { code: 'MISSING_BODY' },
        );
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new BadRequestError(
          'The request body must be a JSON object.',
          {},
          { code: 'INVALID_BODY' },
        );
      }
      checkStructure(value, this.maxDepth);
    } else if (
      metadata.type === 'query' &&
      !metadata.data &&
      !PRIMITIVES.has(metadata.metatype) &&
      value !== null &&
      typeof value === 'object'
    ) {
      // `?__proto__=1` reaches class-transformer as an own key, as a JSON body's would.
      checkStructure(value, this.maxDepth);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Rejects, before class-transformer walks it, a body nested deeper than `maxDepth` (which would
 * overflow the validator's recursion) or carrying `__proto__` / `constructor.prototype` keys
 * (prototype pollution; Fastify refuses these while parsing, Express's parser keeps them).
 * Iterative, so the check itself cannot overflow.
 */
function checkStructure(body: object, maxDepth: number): void {
  const pending: [unknown, number][] = [[body, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (depth > maxDepth) {
      throw new BadRequestError(
        `The request body is nested more than ${maxDepth} levels deep.`,
        {},
        { code: 'BODY_TOO_DEEP' },
      );
    }
    if (Array.isArray(node)) {
      for (const child of node) if (isObject(child)) pending.push([child, depth + 1]);
      continue;
    }
    for (const key of Object.keys(node as object)) {
      const child = (node as Record<string, unknown>)[key];
      if (
        key === '__proto__' ||
        (key === 'constructor' && isObject(child) && Object.hasOwn(child, 'prototype'))
      ) {
        throw new BadRequestError(
          'The request body contains a forbidden property name (__proto__ or constructor.prototype).',
          {},
          { code: 'FORBIDDEN_PROPERTY' },
        );
      }
      if (isObject(child)) pending.push([child, depth + 1]);
    }
  }
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
