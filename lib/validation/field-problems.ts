import type { ValidationError } from 'class-validator';
import type { FieldProblem } from '../errors/error-descriptor';
import { toUpperSnake } from '../errors/reason-phrases';

/** class-validator constraint names → the guide's machine-readable codes. */
const CONSTRAINT_CODES: Readonly<Record<string, string>> = {
  isDefined: 'REQUIRED',
  isNotEmpty: 'REQUIRED',
  isEmail: 'INVALID_FORMAT',
  isUrl: 'INVALID_FORMAT',
  isUUID: 'INVALID_FORMAT',
  isDateString: 'INVALID_FORMAT',
  isISO8601: 'INVALID_FORMAT',
  isPhoneNumber: 'INVALID_FORMAT',
  matches: 'INVALID_FORMAT',
  isString: 'INVALID_TYPE',
  isInt: 'INVALID_TYPE',
  isNumber: 'INVALID_TYPE',
  isBoolean: 'INVALID_TYPE',
  isArray: 'INVALID_TYPE',
  isObject: 'INVALID_TYPE',
  isDate: 'INVALID_TYPE',
  nestedValidation: 'INVALID_TYPE',
  isIn: 'INVALID_VALUE',
  isEnum: 'INVALID_VALUE',
  equals: 'INVALID_VALUE',
  min: 'OUT_OF_RANGE',
  max: 'OUT_OF_RANGE',
  isPositive: 'OUT_OF_RANGE',
  isNegative: 'OUT_OF_RANGE',
  minDate: 'OUT_OF_RANGE',
  maxDate: 'OUT_OF_RANGE',
  minLength: 'INVALID_LENGTH',
  maxLength: 'INVALID_LENGTH',
  length: 'INVALID_LENGTH',
  arrayMinSize: 'INVALID_LENGTH',
  arrayMaxSize: 'INVALID_LENGTH',
  arrayNotEmpty: 'INVALID_LENGTH',
  whitelistValidation: 'UNKNOWN_FIELD',
};

/** The code of a class-validator constraint: a known one, else its name in UPPER_SNAKE. */
export function constraintCode(constraint: string): string {
  return CONSTRAINT_CODES[constraint] ?? toUpperSnake(constraint);
}

/**
 * class-validator's error tree → one `FieldProblem` per failing field and constraint, with
 * paths as `address.city` and `items[0].sku`. Messages are class-validator's (or the DTO's own).
 */
export function toFieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = joinPath(parent, error.property);
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      problems.push({ field, message, code: constraintCode(constraint) });
    }
    if (error.children && error.children.length > 0)
      problems.push(...toFieldProblems(error.children, field));
  }
  return problems;
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent === '' ? property : `${parent}.${property}`;
}
