import type { BodyLimits } from '../options/limits.options';
export type { BodyLimits };

/** The name of one limit, as the 413's message and `limits.body` spell it. */
export type BodyLimitName = keyof BodyLimits;

/**
 * The built-in limits: far above what an honest API sends, low enough that the worst body within
 * them costs the pipe milliseconds (its quadratic part is at most `maxKeys` × `maxNodes`
 * comparisons; `bench/body-limits.ts` measures it). A string costs the pipe only linear time: its
 * limit is what a 1 MiB body could hold, so it matters once the byte limit is raised.
 */
export const DEFAULT_BODY_LIMITS: Readonly<Required<BodyLimits>> = Object.freeze({
  maxKeys: 1_000,
  maxArrayLength: 10_000,
  maxStringLength: 1_048_576,
  maxNodes: 20_000,
  maxDepth: 32,
});

/**
 * The limits in force: `limits.body` member by member over the defaults. A limit that is not a
 * whole number of 1 or more (or `Infinity`, for none) fails at start-up.
 */
export function resolveBodyLimits(limits: BodyLimits = {}): Readonly<Required<BodyLimits>> {
  const resolved = { ...DEFAULT_BODY_LIMITS };
  for (const name of Object.keys(DEFAULT_BODY_LIMITS) as BodyLimitName[]) {
    const value = limits[name];
    if (value !== undefined) resolved[name] = checkedLimit(`limits.body.${name}`, value);
  }
  return Object.freeze(resolved);
}

function checkedLimit(name: string, value: number): number {
  if (value === Infinity || (Number.isSafeInteger(value) && value >= 1)) return value;
  throw new Error(`${name} must be a whole number of 1 or more (or Infinity), got ${value}.`);
}

/** What the walk found wrong with a value, if anything. */
export type StructureProblem =
  | {
      kind: 'limit';
      limit: BodyLimitName;
      max: number;
      /** JSON pointer (RFC 6901) of where it was hit; long keys are shortened. */
      pointer: string;
      /** For `maxStringLength`: the offending string is a key, not a value. */
      inKey?: boolean;
    }
  | { kind: 'forbidden-key' };

/** One object or array still to visit; its parent chain is its JSON pointer, built only on failure. */
interface Pending {
  value: object;
  depth: number;
  key: string | number | undefined;
  parent: Pending | undefined;
}

/**
 * Walks `root` once, iteratively (so the walk itself cannot overflow), and reports the first limit
 * it breaks, or a `__proto__` / `constructor.prototype` key (prototype pollution; Fastify refuses
 * these while parsing, Express's parser keeps them). `undefined` when the value is fine. Costs one
 * `Object.keys` per object and a look at each value: linear in the size of the value.
 */
export function inspectStructure(
  root: object,
  limits: Readonly<Required<BodyLimits>>,
): StructureProblem | undefined {
  const { maxKeys, maxArrayLength, maxStringLength, maxNodes, maxDepth } = limits;
  let nodes = 1;
  const pending: Pending[] = [{ value: root, depth: 1, key: undefined, parent: undefined }];
  while (pending.length > 0) {
    const at = pending.pop()!;
    const node = at.value;
    if (Array.isArray(node)) {
      if (node.length > maxArrayLength) return breach('maxArrayLength', maxArrayLength, at);
      nodes += node.length;
      if (nodes > maxNodes) return breach('maxNodes', maxNodes, at);
      for (let index = 0; index < node.length; index++) {
        const child: unknown = node[index];
        if (typeof child === 'string') {
          if (child.length > maxStringLength) {
            return breach('maxStringLength', maxStringLength, childOf(at, index));
          }
        } else if (child !== null && typeof child === 'object') {
          if (at.depth >= maxDepth) return breach('maxDepth', maxDepth, childOf(at, index));
          pending.push({ value: child, depth: at.depth + 1, key: index, parent: at });
        }
      }
      continue;
    }
    const keys = Object.keys(node);
    if (keys.length > maxKeys) return breach('maxKeys', maxKeys, at);
    nodes += keys.length;
    if (nodes > maxNodes) return breach('maxNodes', maxNodes, at);
    for (const key of keys) {
      if (key.length > maxStringLength) return breach('maxStringLength', maxStringLength, at, true);
      if (key === '__proto__') return { kind: 'forbidden-key' };
      const child: unknown = (node as Record<string, unknown>)[key];
      if (typeof child === 'string') {
        if (child.length > maxStringLength) {
          return breach('maxStringLength', maxStringLength, childOf(at, key));
        }
        continue;
      }
      if (child === null || typeof child !== 'object') continue;
      if (key === 'constructor' && Object.hasOwn(child, 'prototype')) {
        return { kind: 'forbidden-key' };
      }
      if (at.depth >= maxDepth) return breach('maxDepth', maxDepth, childOf(at, key));
      pending.push({ value: child, depth: at.depth + 1, key, parent: at });
    }
  }
  return undefined;
}

/** A stand-in for a child not worth a `Pending` of its own, for its pointer. */
function childOf(parent: Pending, key: string | number): Pending {
  return { value: parent.value, depth: parent.depth + 1, key, parent };
}

function breach(
  limit: BodyLimitName,
  max: number,
  at: Pending | undefined,
  inKey = false,
): StructureProblem {
  return { kind: 'limit', limit, max, pointer: pointerOf(at), ...(inKey ? { inKey } : {}) };
}

/** Keys longer than this are cut in a pointer: the message must never carry much of the body. */
const MAX_POINTER_SEGMENT = 40;

/** The JSON pointer of `at`: `/tags/3/name`, `''` for the root; `~` and `/` escaped (RFC 6901). */
function pointerOf(at: Pending | undefined): string {
  const segments: string[] = [];
  for (let frame = at; frame?.key !== undefined; frame = frame.parent) {
    const key = String(frame.key);
    const shown = key.length > MAX_POINTER_SEGMENT ? `${key.slice(0, MAX_POINTER_SEGMENT)}…` : key;
    segments.push(escapePointerSegment(shown));
  }
  return segments
    .reverse()
    .map((segment) => `/${segment}`)
    .join('');
}

/** One key as a JSON pointer segment: `~` → `~0`, `/` → `~1` (RFC 6901). */
export function escapePointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
