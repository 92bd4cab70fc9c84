import { Transform } from 'class-transformer';

const DECIMAL = /^-?\d+$/;

/**
 * A query parameter written in plain decimal digits becomes a number; anything else is left as
 * it came, so `@IsInt()` refuses it. Stricter than `@Type(() => Number)`, which would read
 * `1e1` as 10, `0x10` as 16 and an empty or blank value as 0.
 */
export function ToWholeNumber(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value,
  );
}
