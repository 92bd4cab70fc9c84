import { ArgumentMetadata, Inject, Injectable, Optional, ValidationPipe } from '@nestjs/common';
import { BadRequestError, ValidationFailedError } from '../errors/domain-errors';
import { STATUS_OPTIONS } from '../options/options.token';
import type { ResolvedStatusOptions } from '../options/status-options';
import { toFieldProblems } from './field-problems';
import { BodyTooComplexError, QueryTooComplexError } from './body-limit.errors';
import {
  BodyLimits,
  escapePointerSegment,
  inspectStructure,
  DEFAULT_BODY_LIMITS,
} from './body-limits';

const PRIMITIVES = new Set<unknown>([String, Boolean, Number, Array, Object, Buffer, undefined]);

/**
 * Nest's `ValidationPipe`, set to split what the guide splits: a body that is absent or not an
 * object is 400 (fix how you send it); well-formed input that breaks the DTO's rules is 422
 * `VALIDATION_FAILED` with one `details` entry per field and constraint. Unknown properties are
 * rejected (whitelist). Query and path DTOs go through the same rules.
 *
 * Before class-transformer sees a body or query bound to a DTO, one linear walk checks it against
 * `limits.body` (413 `BODY_TOO_COMPLEX`, 414 `QUERY_TOO_COMPLEX` for a query) and for
 * `__proto__` / `constructor.prototype` keys (400 `FORBIDDEN_PROPERTY`): class-transformer's cost
 * grows with the square of an object's key count, and its recursion with the nesting.
 */
@Injectable()
export class StatusValidationPipe extends ValidationPipe {
  private readonly limits: Readonly<Required<BodyLimits>>;

  constructor(@Optional() @Inject(STATUS_OPTIONS) options?: ResolvedStatusOptions) {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // `value` only tells a missing field from a wrong one; it is never sent.
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => new ValidationFailedError(toFieldProblems(errors)),
    });
    this.limits = options?.limits.body ?? DEFAULT_BODY_LIMITS;
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { type, data, metatype } = metadata;
    if (type === 'body' && !data && !PRIMITIVES.has(metatype)) {
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
    }
    // Only values class-transformer will walk: those bound to a DTO class. A query counts too
    // (`?__proto__=1` reaches class-transformer as an own key, as a JSON body's would).
    if (
      (type === 'body' || type === 'query') &&
      !PRIMITIVES.has(metatype) &&
      value !== null &&
      typeof value === 'object'
    ) {
      this.checkStructure(value, type, data);
    }
    return super.transform(value, metadata);
  }

  /** Throws the answer to a value that breaks `limits.body` or carries a forbidden key. */
  private checkStructure(value: object, type: 'body' | 'query', field?: string): void {
    const problem = inspectStructure(value, this.limits);
    if (problem === undefined) return;
    if (problem.kind === 'forbidden-key') {
      throw new BadRequestError(
        'The request body contains a forbidden property name (__proto__ or constructor.prototype).',
        {},
        { code: 'FORBIDDEN_PROPERTY' },
      );
    }
    // `@Body('address')`: the pointer is from the body, not from the part bound.
    const breach = field
      ? { ...problem, pointer: `/${escapePointerSegment(field)}${problem.pointer}` }
      : problem;
    throw type === 'body'
      ? BodyTooComplexError.create(breach)
      : QueryTooComplexError.create(breach);
  }
}
