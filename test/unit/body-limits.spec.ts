import { BodyTooComplexError, QueryTooComplexError } from '../../lib/validation/body-limit.errors';
import {
  BodyLimits,
  DEFAULT_BODY_LIMITS,
  inspectStructure,
  resolveBodyLimits,
} from '../../lib/validation/body-limits';

/** The defaults with `limits` over them. */
const limited = (limits: BodyLimits) => resolveBodyLimits(limits);

/** An object of `count` keys `k0`..`k<count-1>`. */
function keys(count: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
}

/** `levels` nested objects: `{ a: { a: ... { a: 1 } } }`; the outermost is level 1. */
function nested(levels: number): object {
  let node: object = { a: 1 };
  for (let level = 1; level < levels; level++) node = { a: node };
  return node;
}

describe('resolveBodyLimits', () => {
  it('gives the defaults when nothing is set', () => {
    expect(resolveBodyLimits()).toEqual({
      maxKeys: 1000,
      maxArrayLength: 10_000,
      maxStringLength: 1_048_576,
      maxNodes: 20_000,
      maxDepth: 32,
    });
  });

  it('takes each limit given over its default', () => {
    expect(resolveBodyLimits({ maxDepth: 4 }).maxDepth).toBe(4);
    expect(resolveBodyLimits({ maxKeys: 5 }).maxKeys).toBe(5);
    expect(resolveBodyLimits({ maxKeys: 5 }).maxDepth).toBe(32);
  });

  it('takes Infinity for no limit, refuses what is not a whole number of 1 or more', () => {
    expect(resolveBodyLimits({ maxNodes: Infinity }).maxNodes).toBe(Infinity);
    expect(() => resolveBodyLimits({ maxKeys: 0 })).toThrow(
      'limits.body.maxKeys must be a whole number of 1 or more (or Infinity), got 0.',
    );
    expect(() => resolveBodyLimits({ maxArrayLength: 2.5 })).toThrow(
      /limits\.body\.maxArrayLength/,
    );
    expect(() => resolveBodyLimits({ maxDepth: -1 })).toThrow(/^limits\.body\.maxDepth must be/);
  });
});

describe('inspectStructure', () => {
  it('passes a body within every limit', () => {
    const body = { name: 'Ada', tags: ['a', 'b'], address: { city: 'London', lines: [] } };
    expect(inspectStructure(body, DEFAULT_BODY_LIMITS)).toBeUndefined();
  });

  it('maxKeys: an object of exactly maxKeys keys passes, one more is reported with its pointer', () => {
    const limits = limited({ maxKeys: 3 });
    expect(inspectStructure({ tags: keys(3) }, limits)).toBeUndefined();
    expect(inspectStructure({ tags: keys(4) }, limits)).toEqual({
      kind: 'limit',
      limit: 'maxKeys',
      max: 3,
      pointer: '/tags',
    });
    expect(inspectStructure(keys(4), limits)).toMatchObject({ limit: 'maxKeys', pointer: '' });
  });

  it('maxArrayLength: at the limit passes, one over is reported, also inside an array', () => {
    const limits = limited({ maxArrayLength: 3 });
    expect(inspectStructure({ list: [[1, 2, 3]] }, limits)).toBeUndefined();
    expect(inspectStructure({ list: [[], [1, 2, 3, 4]] }, limits)).toEqual({
      kind: 'limit',
      limit: 'maxArrayLength',
      max: 3,
      pointer: '/list/1',
    });
  });

  it('maxStringLength: values in objects and arrays, and keys', () => {
    const limits = limited({ maxStringLength: 5 });
    expect(inspectStructure({ abcde: 'xxxxx', list: ['yyyyy'] }, limits)).toBeUndefined();
    expect(inspectStructure({ bio: 'xxxxxx' }, limits)).toEqual({
      kind: 'limit',
      limit: 'maxStringLength',
      max: 5,
      pointer: '/bio',
    });
    expect(inspectStructure({ list: ['ok', 'xxxxxx'] }, limits)).toMatchObject({
      pointer: '/list/1',
    });
    expect(inspectStructure({ inner: { abcdef: 1 } }, limits)).toEqual({
      kind: 'limit',
      limit: 'maxStringLength',
      max: 5,
      pointer: '/inner',
      inKey: true,
    });
  });

  it('maxNodes: counts every value, the body included', () => {
    // 1 (the body) + 2 (a, b) + 3 (the array's elements, the object one of them) + 1 (c) = 7.
    const body = { a: 1, b: [true, null, { c: 'x' }] };
    expect(inspectStructure(body, limited({ maxNodes: 6 }))).toMatchObject({
      limit: 'maxNodes',
      max: 6,
    });
    expect(inspectStructure(body, limited({ maxNodes: 7 }))).toBeUndefined();
    expect(inspectStructure({ list: [1, 2, 3] }, limited({ maxNodes: 4 }))).toEqual({
      kind: 'limit',
      limit: 'maxNodes',
      max: 4,
      pointer: '/list',
    });
  });

  it('maxDepth: maxDepth levels pass, one more is reported where it starts', () => {
    const limits = limited({ maxDepth: 3 });
    expect(inspectStructure(nested(3), limits)).toBeUndefined();
    expect(inspectStructure(nested(4), limits)).toEqual({
      kind: 'limit',
      limit: 'maxDepth',
      max: 3,
      pointer: '/a/a/a',
    });
    // Arrays are levels too.
    expect(inspectStructure({ a: [[1]] }, limits)).toBeUndefined();
    expect(inspectStructure({ a: [[[]]] }, limits)).toMatchObject({ pointer: '/a/0/0' });
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    expect(inspectStructure(nested(100_000), DEFAULT_BODY_LIMITS)).toMatchObject({
      limit: 'maxDepth',
      pointer: '/a'.repeat(32),
    });
  });

  it('escapes ~ and / in the pointer and shortens a long key', () => {
    const limits = limited({ maxKeys: 1 });
    expect(inspectStructure({ 'a/b~c': keys(2) }, limits)).toMatchObject({
      pointer: '/a~1b~0c',
    });
    const long = 'k'.repeat(500);
    expect(inspectStructure({ [long]: keys(2) }, limits)).toMatchObject({
      pointer: `/${'k'.repeat(40)}…`,
    });
  });

  it('reports __proto__ and constructor.prototype keys', () => {
    for (const text of [
      '{"__proto__":{"polluted":true}}',
      '{"__proto__":"x"}',
      '{"a":[{"constructor":{"prototype":{}}}]}',
    ]) {
      expect(inspectStructure(JSON.parse(text), DEFAULT_BODY_LIMITS)).toEqual({
        kind: 'forbidden-key',
      });
    }
    expect(inspectStructure({ constructor: 'x' }, DEFAULT_BODY_LIMITS)).toBeUndefined();
  });
});

describe('BodyTooComplexError and QueryTooComplexError', () => {
  it('name the limit, the place and the option, in 413 and 414', () => {
    const body = BodyTooComplexError.create({
      kind: 'limit',
      limit: 'maxKeys',
      max: 1000,
      pointer: '/tags',
    });
    expect([body.status, body.code]).toEqual([413, 'BODY_TOO_COMPLEX']);
    expect(body.message).toBe(
      'The body has an object with more than 1000 keys at /tags (limit maxKeys). ' +
        'Send fewer keys, or raise limits.body.maxKeys.',
    );
    const query = QueryTooComplexError.create({
      kind: 'limit',
      limit: 'maxArrayLength',
      max: 10,
      pointer: '/id',
    });
    expect([query.status, query.code]).toEqual([414, 'QUERY_TOO_COMPLEX']);
    expect(query.message).toBe(
      'The query has an array with more than 10 elements at /id (limit maxArrayLength). ' +
        'Send fewer elements, or raise limits.body.maxArrayLength.',
    );
  });

  it('say "at the top level" for the root, and "a key" for a key too long', () => {
    const depth = BodyTooComplexError.create({
      kind: 'limit',
      limit: 'maxStringLength',
      max: 5,
      pointer: '',
      inKey: true,
    });
    expect(depth.message).toBe(
      'The body has a key longer than 5 characters in the object at the top level ' +
        '(limit maxStringLength). Send a shorter string, or raise limits.body.maxStringLength.',
    );
  });
});
