import { BUDGET, type Adapter, type Prepared, type Scenario } from '../scenarios';
import { median } from './load';

/** One variant's rounds of one scenario. */
export interface Measured {
  prepared: Prepared;
  rps: number[];
  p99: number[];
  /** Server CPU time (user + system) per response, microseconds. */
  cpu: number[];
  /** Responses whose status was not `prepared.status`, by status; connection errors as `0`. */
  unexpected: Record<number, number>;
}

/** One row of the table. */
export interface Row {
  adapter: Adapter;
  scenario: Scenario;
  state: 'measured' | 'pending' | 'error';
  /** Why pending or failed. */
  reason?: string;
  budget: number;
  /** The figure `budget` is held to: the req/s ratio, or the CPU ratio bare/ours. */
  judgedBy: 'rps' | 'cpu';
  bare?: Measured;
  ours?: Measured;
  /** ours/bare of each round, both measured back to back. */
  ratios: number[];
  /** bare/ours server CPU per request of each round (above 1: ours spends less). */
  cpuRatios: number[];
}

/** How the run was made, printed above the table. */
export interface RunInfo {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  platform: string;
  connections: number;
  rounds: number;
  duration: number;
  warmup: number;
  /** Server processes per variant (round r on process r). */
  processes: number;
  /** Where the load generator and the servers ran. */
  placement: string;
  elapsedSeconds: number;
}

/** A row's verdict against its budget. */
export function verdict(row: Row): 'meets' | 'MISSED' | 'pending' | 'error' {
  if (row.state !== 'measured') return row.state;
  const ratio = median(row.judgedBy === 'cpu' ? row.cpuRatios : row.ratios);
  return ratio >= row.budget ? 'meets' : 'MISSED';
}

/**
 * Ours 304 against ours 200 on the same resource and the same server, measured in rounds of
 * their own, back to back in alternating order like bare and ours (comparing the two scenarios'
 * medians would compare two moments of the machine: the same bare 200 drifts ~10% between them).
 */
export interface NotModifiedPair {
  adapter: Adapter;
  /** req/s of each round: the 200, and the 304 that saves it. */
  ok: number[];
  nm: number[];
  /** Server CPU µs per response of each round. */
  okCpu: number[];
  nmCpu: number[];
  /** 304/200 req/s of each round. */
  ratios: number[];
}

/**
 * Bare Nest against bare Nest with the contract's two headers set at the least they can cost
 * (`--variant floor`), on Fastify's small GET, in alternating rounds: no budget, a reference.
 */
export interface FloorPair {
  adapter: Adapter;
  bare: number[];
  floor: number[];
  bareCpu: number[];
  floorCpu: number[];
  /** floor/bare req/s of each round. */
  ratios: number[];
}

/** Whether a pair meets its budget: the median round's 304 beats its 200. */
export function notModifiedMeets(pair: NotModifiedPair): boolean {
  return median(pair.ratios) > BUDGET.notModifiedOverOk;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const us = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(3)}×` : 'n/a');

/** The lowest and highest round's ratio, when there was more than one round. */
const spreadOf = (ratios: number[]) =>
  ratios.length > 1 ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '';

/** A section of the results: its title, what it measures, and the head of its table. */
function section(lines: string[], title: string, intro: string, head: string, align: string) {
  lines.push('', `## ${title}`, '', intro, '', head, align);
}

/** The results as Markdown: how it was run, the table, the 304 check, and notes. */
export function renderResults(
  rows: Row[],
  pairs: NotModifiedPair[],
  floors: FloorPair[],
  info: RunInfo,
): string {
  const lines: string[] = [];
  lines.push('# Benchmark results', '');
  lines.push(
    `Run ${info.date} on ${info.cpus} CPUs (${info.cpuModel}), ${info.platform}, Node ${info.node}; ` +
      `${Math.round(info.elapsedSeconds)} s in all.`,
    '',
    `Each server runs in its own process; autocannon drives it over loopback with ` +
      `${info.connections} connections. Per scenario and adapter, each variant gets a ` +
      `${info.warmup} s warm-up, then ${info.rounds} rounds of ${info.duration} s, bare and ours ` +
      `back to back in alternating order (A/B, B/A, ...). Each variant runs as ${info.processes} ` +
      `server processes and round r on process r, so no figure rests on one process. ` +
      `${info.placement} req/s and p99 are the medians over the ` +
      `rounds; **ratio** is the median of the rounds' ours/bare req/s (the spread is the lowest ` +
      `and highest round); a budget marked CPU is held to the median of the rounds' CPU ratio ` +
      `instead. Produced by \`npm run bench\`.`,
    '',
  );
  lines.push(
    '| adapter | scenario | status bare / ours | bare req/s | ours req/s | ratio ours/bare | spread | budget | bare p99 ms | ours p99 ms | bare CPU µs/req | ours CPU µs/req | CPU ratio bare/ours | verdict |',
    '|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|---|',
  );
  for (const row of rows) {
    const budget = `≥ ${row.budget.toFixed(2)}×${row.judgedBy === 'cpu' ? ' CPU' : ''}`;
    if (row.state === 'pending' || !row.bare || !row.ours) {
      lines.push(
        `| ${row.adapter} | ${row.scenario.title} | | | | | | ${budget} | | | | | | ${row.state}: ${row.reason ?? ''} |`,
      );
      continue;
    }
    const spread =
      row.judgedBy === 'cpu'
        ? `${spreadOf(row.ratios)} (CPU ${spreadOf(row.cpuRatios)})`
        : spreadOf(row.ratios);
    const v = verdict(row);
    lines.push(
      `| ${row.adapter} | ${row.scenario.title} | ${row.bare.prepared.status} / ${row.ours.prepared.status} | ` +
        `${int(median(row.bare.rps))} | ${int(median(row.ours.rps))} | **${x(median(row.ratios))}** | ${spread} | ${budget} | ` +
        `${ms(median(row.bare.p99))} | ${ms(median(row.ours.p99))} | ` +
        `${us(median(row.bare.cpu))} | ${us(median(row.ours.cpu))} | ${x(median(row.cpuRatios))} | ` +
        `${v}${row.reason ? `: ${row.reason}` : ''} |`,
    );
  }
  if (pairs.length > 0) {
    section(
      lines,
      'The 304 is faster than the 200 it saves (ours, same resource)',
      "The same server's `GET /small` without and with a matching `If-None-Match`, in rounds of " +
        "their own in alternating order; **304 / 200** is the median of the rounds' ratios.",
      '| adapter | ours 200 req/s | ours 304 req/s | 304 / 200 | spread | 200 CPU µs/req | 304 CPU µs/req | budget | verdict |',
      '|---|--:|--:|--:|---|--:|--:|--:|---|',
    );
    for (const p of pairs) {
      const spread = spreadOf(p.ratios);
      lines.push(
        `| ${p.adapter} | ${int(median(p.ok))} | ${int(median(p.nm))} | **${x(median(p.ratios))}** | ${spread} | ` +
          `${us(median(p.okCpu))} | ${us(median(p.nmCpu))} | > ${BUDGET.notModifiedOverOk.toFixed(2)}× | ` +
          `${notModifiedMeets(p) ? 'meets' : 'MISSED'} |`,
      );
    }
  }
  if (floors.length > 0) {
    section(
      lines,
      "What the contract's headers cost on their own (Fastify)",
      'Bare Nest against bare Nest plus the two headers every tagged GET of ours carries, at the ' +
        'least they can cost: an `X-Request-Id` from a counter and a constant `ETag` (no hash, no ' +
        'state, no logic), set in one `onRequest` hook (`--variant floor`). `GET /small`, in ' +
        'rounds of their own in alternating order. No budget: it is what any implementation of ' +
        'the contract pays before doing any of the work, beside what ours pays in the table above.',
      '| adapter | bare req/s | floor req/s | floor / bare | spread | bare CPU µs/req | floor CPU µs/req | CPU ratio bare/floor | CPU spread | ours / bare (table) | CPU ratio bare/ours (table) |',
      '|---|--:|--:|--:|---|--:|--:|--:|---|--:|--:|',
    );
    for (const f of floors) {
      const spread = spreadOf(f.ratios);
      const ours = rows.find((r) => r.adapter === f.adapter && r.scenario.id === 'get-small');
      const oursRatio = ours?.state === 'measured' ? x(median(ours.ratios)) : 'n/a';
      const oursCpu = ours?.state === 'measured' ? x(median(ours.cpuRatios)) : 'n/a';
      const cpuRatios = f.bareCpu.map((bare, i) => bare / f.floorCpu[i]);
      lines.push(
        `| ${f.adapter} | ${int(median(f.bare))} | ${int(median(f.floor))} | **${x(median(f.ratios))}** | ${spread} | ` +
          `${us(median(f.bareCpu))} | ${us(median(f.floorCpu))} | **${x(median(cpuRatios))}** | ${spreadOf(cpuRatios)} | ` +
          `${oursRatio} | ${oursCpu} |`,
      );
    }
  }
  const notes = rows.flatMap((row) =>
    [row.bare, row.ours]
      .filter((m): m is Measured => m?.prepared.note !== undefined)
      .map((m) => `- ${row.adapter}, ${row.scenario.title}: ${m.prepared.note}.`),
  );
  lines.push('', '## Notes', '');
  lines.push(
    '- Bare Nest answers a failed `ValidationPipe` with 400, so "POST 422" compares its 400 with our 422.',
    '- "bare" is Nest with its own `ValidationPipe`; "ours" is `StatusModule.forRoot()`. The 429 runs on ' +
      "servers limited to one request per hour: bare through `@nestjs/throttler`'s `ThrottlerGuard` as " +
      '`APP_GUARD`, ours through `StatusModule.forRoot({ rateLimit })`. The app is `bench/api/`.',
    "- CPU µs/req is the server's own CPU time (user + system) per response: on a 2-core machine the " +
      'load generator takes a core, so it is the steadier figure. Budgets and method: ' +
      '`docs/performance.md`; where the time went: `bench/HISTORY.md`.',
    ...new Set(notes),
  );
  return lines.join('\n') + '\n';
}
