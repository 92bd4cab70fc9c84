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

/** The most `details` entries one error lists: a body of 9 000 unknown keys must not echo them all. */
export const MAX_DETAILS = 100;

/**
 * class-validator's error tree → one `FieldProblem` per failing field and constraint, with
 * paths as `address.city` and `items[0].sku`. Messages are class-validator's (or the DTO's own).
 * A field that is missing gets one `REQUIRED` entry, and one of the wrong type only its type
 * entries: "must be at most 254 characters" says nothing true of a value that is not there.
 * At most `MAX_DETAILS` entries.
 */
export function toFieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  collect(errors, parent, problems);
  return problems;
}

function collect(errors: readonly ValidationError[], parent: string, into: FieldProblem[]): void {
  for (const error of errors) {
    if (into.length >= MAX_DETAILS) return;
    const field = joinPath(parent, error.property);
    const entries = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      message,
      code: constraintCode(constraint),
    }));
    for (const problem of narrow(entries, error.value, field)) {
      if (into.length >= MAX_DETAILS) return;
      into.push(problem);
    }
    if (error.children && error.children.length > 0) collect(error.children, field, into);
  }
}

/** Keeps the entries that are true of the value: presence first, then type, then the rest. */
function narrow(entries: FieldProblem[], value: unknown, field: string): FieldProblem[] {
  if (entries.length === 0 || entries.some((e) => e.code === 'UNKNOWN_FIELD')) return entries;
  const required = entries.filter((e) => e.code === 'REQUIRED');
  if (value === undefined || value === null) {
    return required.length > 0
      ? required
      : [{ field, message: `${field} is required.`, code: 'REQUIRED' }];
  }
  if (entries.length === 1) return entries;
  if (required.length > 0) return required;
  const type = entries.filter((e) => e.code === 'INVALID_TYPE');
  return type.length > 0 ? type : entries;
}

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent === '' ? property : `${parent}.${property}`;
}
