import 'reflect-metadata';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { parseArgs } from 'node:util';
import type { ResolvedStatusOptions } from '../lib/options/status-options';
import { BodyLimits, DEFAULT_BODY_LIMITS, inspectStructure } from '../lib/validation/body-limits';
import { StatusValidationPipe } from '../lib/validation/status-validation.pipe';

/**
 * What the validation pipe (class-transformer + class-validator) costs on the worst bodies that
 * pass the default `bodyLimits`, and on the 100,000-key body they refuse; and what the walk that
 * enforces them costs. Run after `npm run build`: `node dist/bench/body-limits.js [--runs N] [--slow] [--maxKeys N …]`.
 * Figures are the median CPU time of N runs, in milliseconds.
 */
class UserDto {
  @IsString()
  @MaxLength(100)
  name!: string;

  @IsEmail()
  email!: string;
}

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    slow: { type: 'boolean', default: false },
    // Other limits than the defaults, to see what they would cost: `--maxKeys 500`.
    ...Object.fromEntries(
      Object.keys(DEFAULT_BODY_LIMITS).map((name) => [name, { type: 'string' }]),
    ),
  },
}) as unknown as { values: Record<string, string | undefined> & { slow?: boolean } };
const LIMITS: Required<BodyLimits> = Object.fromEntries(
  Object.entries(DEFAULT_BODY_LIMITS).map(([name, value]) => [name, Number(args[name] ?? value)]),
) as Required<BodyLimits>;
const { maxKeys, maxArrayLength, maxStringLength, maxNodes, maxDepth } = LIMITS;

/** An object of `count` keys `k0`..`k<count-1>`, each holding `value`. */
function objectOf(
  count: number,
  value: (i: number) => unknown = (i) => i,
): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) object[`k${i}`] = value(i);
  return object;
}

/** The UserDto's fields plus one unknown field `extra` (whitelisting refuses it, but only after class-transformer has walked it). */
const user = (extra?: unknown) => ({
  name: 'Ada',
  email: 'ada@example.com',
  ...(extra === undefined ? {} : { extra }),
});

/** As many objects of `maxKeys` keys as `maxNodes` allows, in one array. */
function widestObjects(): unknown {
  const objects = Math.floor((maxNodes - 10) / (maxKeys + 1));
  return user(Array.from({ length: objects }, () => objectOf(maxKeys)));
}

/** As many arrays of `maxArrayLength` numbers (or fewer, if `maxNodes` is lower) as `maxNodes` allows. */
function longestArrays(): unknown {
  const length = Math.min(maxArrayLength, maxNodes - 10);
  const arrays = Math.max(1, Math.floor((maxNodes - 10) / (length + 1)));
  return user(Array.from({ length: arrays }, () => new Array<number>(length).fill(0)));
}

/** An honest bulk body: as many records of ten fields as `maxNodes` allows. */
function bulkRecords(): unknown {
  const records = Math.floor((maxNodes - 10) / 11);
  return user(Array.from({ length: records }, () => objectOf(10, (i) => `value ${i}`)));
}

/** Nested `maxDepth` levels, each level an object of a few keys. */
function deepest(): unknown {
  let node: Record<string, unknown> = { leaf: 1 };
  for (let depth = 2; depth < maxDepth; depth++) node = { a: 1, b: 'x', next: node };
  return user(node);
}

const SHAPES: Record<string, () => unknown> = {
  [`top-level object of ${maxKeys} keys (each unknown: 422)`]: () => ({
    ...user(),
    ...objectOf(maxKeys - 2),
  }),
  [`${Math.floor((maxNodes - 10) / (maxKeys + 1))} objects of ${maxKeys} keys (maxNodes)`]:
    widestObjects,
  [`arrays of up to ${maxArrayLength} elements, ${maxNodes} values in all`]: longestArrays,
  [`${Math.floor((maxNodes - 10) / 11)} records of ten fields`]: bulkRecords,
  [`name and email of ${maxStringLength} characters`]: () => ({
    name: 'x'.repeat(maxStringLength),
    email: `${'a'.repeat(maxStringLength - 12)}@example.com`,
  }),
  [`nested ${maxDepth} levels`]: deepest,
  ['refused: top-level object of 20,000 keys']: () => objectOf(20_000),
  ['refused: top-level object of 100,000 keys']: () => objectOf(100_000),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time(fn: () => Promise<unknown> | unknown, runs: number): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    // CPU time, not wall time: the figures hold on a machine that is busy with other work.
    const started = process.cpuUsage();
    try {
      await fn();
    } catch {
      // 413 or 422: the cost up to the answer is what counts.
    }
    const { user, system } = process.cpuUsage(started);
    samples.push((user + system) / 1000);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const runs = Number(args.runs);
  const unlimited = Object.fromEntries(
    Object.keys(DEFAULT_BODY_LIMITS).map((name) => [name, Infinity]),
  );
  // The pipe with no limits: what class-transformer and class-validator cost on their own.
  const bare = new StatusValidationPipe({
    limits: { body: unlimited },
  } as unknown as ResolvedStatusOptions);
  const guarded = new StatusValidationPipe({
    limits: { body: LIMITS },
  } as unknown as ResolvedStatusOptions);
  const metadata = { type: 'body', metatype: UserDto, data: undefined } as const;
  console.log(`limits: ${JSON.stringify(LIMITS)}, median of ${runs} runs\n`);
  console.log(
    '| body | KB | JSON.parse (ms) | walk (ms) | pipe without limits (ms) | pipe with limits (ms) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  const bodies = Object.entries(SHAPES).map(([name, make]) => [name, make() as object] as const);
  for (const [name, body] of bodies) {
    // Warm the JIT up on every shape first, so the first row is not the one that pays for it.
    if (!name.includes('100,000')) await time(() => bare.transform(body, metadata), 2);
  }
  for (const [name, body] of bodies) {
    // The parse every body pays before the pipe: the yardstick for what the pipe may cost.
    const text = JSON.stringify(body);
    const parse = await time(() => JSON.parse(text), runs);
    const walk = await time(() => inspectStructure(body, LIMITS), runs);
    // Without limits the 100,000-key body costs seconds a run: once, and only when asked.
    const slow = name.includes('100,000');
    const unchecked =
      slow && !args.slow
        ? '(--slow)'
        : (await time(() => bare.transform(body, metadata), slow ? 1 : runs)).toFixed(1);
    const checked = await time(() => guarded.transform(body, metadata), runs);
    console.log(
      `| ${name} | ${Math.round(Buffer.byteLength(text) / 1024)} | ${parse.toFixed(1)} | ` +
        `${walk.toFixed(2)} | ${unchecked} | ${checked.toFixed(1)} |`,
    );
  }
}

void main();
