import { ValidateBy, ValidationOptions } from 'class-validator';
import { currentPageLimits } from './page-limits';

/**
 * `limit` may not exceed the route's `maxLimit` (`@Paginated({ maxLimit })`, else
 * `StatusModule.forRoot({ pagination: { maxLimit } })`, else 100). Named `max` like
 * class-validator's `@Max`, so the 422 detail has the same `OUT_OF_RANGE` code.
 */
export function IsWithinPageLimit(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'max',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && value <= currentPageLimits().maxLimit,
        defaultMessage: (args) =>
          `${args?.property ?? 'limit'} must not be greater than ${currentPageLimits().maxLimit}`,
      },
    },
    options,
  );
}

/**
 * `page` may not be so large that `(page - 1) * limit` stops being an exact integer: such an
 * offset would reach the database as a float (a 500 from SQLite, a wrong row elsewhere).
 */
export function IsReachablePage(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'max',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && value <= maxPage(),
        defaultMessage: (args) =>
          `${args?.property ?? 'page'} must not be greater than ${maxPage()}`,
      },
    },
    options,
  );
}

function maxPage(): number {
  return Math.floor(Number.MAX_SAFE_INTEGER / currentPageLimits().maxLimit);
}
