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
  elapsedSeconds: number;
}

/** A row's verdict against its budget. */
export function verdict(row: Row): 'meets' | 'MISSED' | 'pending' | 'error' {
  if (row.state !== 'measured') return row.state;
  return median(row.ratios) >= row.budget ? 'meets' : 'MISSED';
}

/** ours 304 over ours 200 for the same resource, per adapter, when both were measured. */
export function notModifiedChecks(rows: Row[]): { adapter: Adapter; ok: number; nm: number }[] {
  const checks: { adapter: Adapter; ok: number; nm: number }[] = [];
  for (const adapter of new Set(rows.map((r) => r.adapter))) {
    const ok = rows.find((r) => r.adapter === adapter && r.scenario.id === 'get-small');
    const nm = rows.find((r) => r.adapter === adapter && r.scenario.id === 'get-304');
    if (ok?.state !== 'measured' || nm?.state !== 'measured') continue;
    checks.push({ adapter, ok: median(ok.ours!.rps), nm: median(nm.ours!.rps) });
  }
  return checks;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const us = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(3)}×` : 'n/a');

/** The results as Markdown: how it was run, the table, the 304 check, and notes. */
export function renderResults(rows: Row[], info: RunInfo): string {
  const lines: string[] = [];
  lines.push('# Benchmark results', '');
  lines.push(
    `Run ${info.date} on ${info.cpus} CPUs (${info.cpuModel}), ${info.platform}, Node ${info.node}; ` +
      `${Math.round(info.elapsedSeconds)} s in all.`,
    '',
    `Each server runs in its own process; autocannon drives it over loopback with ` +
      `${info.connections} connections. Per scenario and adapter, each variant gets a ` +
      `${info.warmup} s warm-up, then ${info.rounds} rounds of ${info.duration} s, bare and ours ` +
      `back to back in alternating order (A/B, B/A, ...). req/s and p99 are the medians over the ` +
      `rounds; **ratio** is the median of the rounds' ours/bare req/s (the spread is the lowest ` +
      `and highest round). Produced by \`npm run bench\`.`,
    '',
  );
  lines.push(
    '| adapter | scenario | status bare / ours | bare req/s | ours req/s | ratio ours/bare | spread | budget | bare p99 ms | ours p99 ms | bare CPU µs/req | ours CPU µs/req | CPU ratio bare/ours | verdict |',
    '|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|---|',
  );
  for (const row of rows) {
    const budget = `≥ ${row.budget.toFixed(2)}×`;
    if (row.state === 'pending' || !row.bare || !row.ours) {
      lines.push(
        `| ${row.adapter} | ${row.scenario.title} | | | | | | ${budget} | | | | | | ${row.state}: ${row.reason ?? ''} |`,
      );
      continue;
    }
    const spread =
      row.ratios.length > 1
        ? `${Math.min(...row.ratios).toFixed(2)}–${Math.max(...row.ratios).toFixed(2)}`
        : '';
    const v = verdict(row);
    lines.push(
      `| ${row.adapter} | ${row.scenario.title} | ${row.bare.prepared.status} / ${row.ours.prepared.status} | ` +
        `${int(median(row.bare.rps))} | ${int(median(row.ours.rps))} | **${x(median(row.ratios))}** | ${spread} | ${budget} | ` +
        `${ms(median(row.bare.p99))} | ${ms(median(row.ours.p99))} | ` +
        `${us(median(row.bare.cpu))} | ${us(median(row.ours.cpu))} | ${x(median(row.cpuRatios))} | ` +
        `${v}${row.reason ? `: ${row.reason}` : ''} |`,
    );
  }
  const checks = notModifiedChecks(rows);
  if (checks.length > 0) {
    lines.push('', '## The 304 is faster than the 200 it saves (ours, same resource)', '');
    lines.push('| adapter | ours 200 req/s | ours 304 req/s | 304 / 200 | budget | verdict |');
    lines.push('|---|--:|--:|--:|--:|---|');
    for (const c of checks) {
      const ratio = c.nm / c.ok;
      lines.push(
        `| ${c.adapter} | ${int(c.ok)} | ${int(c.nm)} | **${x(ratio)}** | > ${BUDGET.notModifiedOverOk.toFixed(2)}× | ${ratio > BUDGET.notModifiedOverOk ? 'meets' : 'MISSED'} |`,
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
      'load generator takes a core, so it is the steadier figure. Budgets and where the time goes: ' +
      "the README's Performance section.",
    ...new Set(notes),
  );
  return lines.join('\n') + '\n';
}
