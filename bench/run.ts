import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Profile } from './api/bench-app.module';
import { FEATURE_NAMES } from './api/features';
import { CHART, writeChart } from './chart';
import { drive, once } from './harness/load';
import {
  FloorPair,
  Measured,
  NotModifiedPair,
  notModifiedMeets,
  renderResults,
  Row,
  RunInfo,
  verdict,
} from './harness/report';
import { placeProcesses } from './harness/cpu-placement';
import { ServerProcess, startServerProcess } from './harness/server-process';
import { Adapter, Prepared, Scenario, SCENARIOS, Target, Variant } from './scenarios';

/**
 * `npm run bench`: every scenario on Express and Fastify, bare Nest against `StatusModule.forRoot()`,
 * in alternating rounds; prints the table and writes it to bench/RESULTS.md.
 *
 * Options: `--duration S` `--rounds N` `--warmup S` `--connections N`
 * `--adapters express,fastify` `--scenarios get-small,post-422` `--out FILE` `--chart FILE` (the
 * table as an SVG, written beside `--out`; a full run draws docs/images/bench.svg); `--quick` is a
 * smoke run (1 round of 1 s, nothing written unless `--out` is given); `--table-only` skips the
 * pairs measured beside the table (304 against 200, the floor), for a targeted run.
 */
interface Config {
  duration: number;
  rounds: number;
  /** Server processes per variant; round r runs on process r (modulo this). */
  processes: number;
  /** Pin autocannon and the servers to separate CPUs (where `taskset` is). */
  pin: boolean;
  /** The CPUs the servers are started on, once placed. */
  serverCpus?: string;
  warmup: number;
  connections: number;
  adapters: Adapter[];
  scenarios: Scenario[];
  tableOnly: boolean;
  /** Every scenario on both adapters with the pairs: the run the docs publish. */
  full: boolean;
  out?: string;
  chart?: string;
}

function config(): Config {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '10' },
      adapters: { type: 'string', default: 'express,fastify' },
      scenarios: { type: 'string' },
      'table-only': { type: 'boolean', default: false },
      processes: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      out: { type: 'string' },
      chart: { type: 'string' },
    },
  });
  const quick = values.quick;
  const ids = values.scenarios?.split(',');
  const scenarios = ids ? SCENARIOS.filter((s) => ids.includes(s.id)) : [...SCENARIOS];
  if (ids && scenarios.length !== ids.length) {
    throw new Error(`Unknown scenario. Known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  }
  const adapters = values.adapters.split(',') as Adapter[];
  if (adapters.some((a) => a !== 'express' && a !== 'fastify')) {
    throw new Error('--adapters takes express and/or fastify');
  }
  const tableOnly = values['table-only'];
  const full = !quick && !ids && adapters.length === 2 && !tableOnly;
  return {
    duration: Number(values.duration ?? (quick ? 1 : 2)),
    // Five short rounds rather than three long ones: the median of five shrugs off one noisy round.
    rounds: Number(values.rounds ?? (quick ? 1 : 5)),
    processes: Math.max(1, Number(values.processes ?? values.rounds ?? (quick ? 1 : 5))),
    pin: !values['no-pin'],
    warmup: Number(values.warmup ?? (quick ? 0.5 : 1)),
    connections: Number(values.connections),
    adapters,
    scenarios,
    tableOnly,
    full,
    chart: values.chart,
    // Only a full run replaces the published results.
    out: values.out ?? (full ? join(__dirname, '..', '..', 'bench', 'RESULTS.md') : undefined),
  };
}

const log = (message: string) => process.stderr.write(message + '\n');

/** Each variant's server processes: round r of a scenario runs on process r of each. */
type Servers = Record<Variant, ServerProcess[]>;

/**
 * Starts one server of `variant` (`bare`, `ours` or `floor`) on the servers' CPUs. Identical
 * processes differ by themselves: two bare Fastify servers, measured in the same alternating
 * rounds, kept 0.84x of each other's CPU per request for a whole run (memory placement, which
 * lasts as long as the process). So no variant rests on one process: see `startServers`.
 */
function startServer(
  adapter: Adapter,
  variant: Variant | 'floor',
  profile: Profile,
  cfg: Config,
): Promise<ServerProcess> {
  return startServerProcess(
    join(__dirname, 'server.js'),
    ['--adapter', adapter, '--variant', variant, '--profile', profile],
    { cpus: cfg.serverCpus },
  );
}

/** `cfg.processes` servers of bare and of ours for one adapter and profile, started in turn. */
async function startServers(adapter: Adapter, profile: Profile, cfg: Config): Promise<Servers> {
  const servers: Servers = { bare: [], ours: [] };
  for (let i = 0; i < cfg.processes; i++) {
    servers.bare.push(await startServer(adapter, 'bare', profile, cfg));
    servers.ours.push(await startServer(adapter, 'ours', profile, cfg));
  }
  return servers;
}

async function stopServers(servers: Servers): Promise<void> {
  await Promise.all([...servers.bare, ...servers.ours].map((server) => server.stop()));
}

/** Prepares a variant and checks, with one request, that it answers the status expected. */
async function prepare(scenario: Scenario, target: Target): Promise<Prepared> {
  const prepared = await scenario.prepare(target);
  const response = await once(target.url, prepared.request);
  if (response.status !== prepared.status) {
    throw new Error(`${target.variant} answered ${response.status}, expected ${prepared.status}`);
  }
  return prepared;
}

async function measureScenario(
  scenario: Scenario,
  adapter: Adapter,
  servers: Servers,
  cfg: Config,
): Promise<Row> {
  const features = servers.ours[0].features;
  const row: Row = {
    adapter,
    scenario,
    state: 'measured',
    budget: scenario.budget(adapter, features),
    judgedBy: scenario.judgedBy?.(adapter) ?? 'rps',
    ratios: [],
    cpuRatios: [],
  };
  if (scenario.requires && !features.has(scenario.requires)) {
    return { ...row, state: 'pending', reason: `needs ${FEATURE_NAMES[scenario.requires]}` };
  }
  // Every process is prepared (and checked) for the scenario; each is warmed just before its round.
  const prepared: Partial<Record<Variant, Prepared[]>> = {};
  const measured: Partial<Record<Variant, Measured>> = {};
  try {
    for (const variant of ['bare', 'ours'] as const) {
      const list: Prepared[] = [];
      for (const server of servers[variant]) {
        const target = { url: server.url, adapter, variant, features: server.features };
        list.push(await prepare(scenario, target));
      }
      prepared[variant] = list;
      measured[variant] = { prepared: list[0], rps: [], p99: [], cpu: [], unexpected: {} };
    }
  } catch (error) {
    return { ...row, state: 'error', reason: (error as Error).message };
  }
  const warmed = new Set<ServerProcess>();
  for (let round = 0; round < cfg.rounds; round++) {
    const order: Variant[] = round % 2 === 0 ? ['bare', 'ours'] : ['ours', 'bare'];
    const index = round % cfg.processes;
    const rps: Partial<Record<Variant, number>> = {};
    const cpu: Partial<Record<Variant, number>> = {};
    for (const variant of order) {
      const server = servers[variant][index];
      const request = prepared[variant]![index].request;
      if (cfg.warmup > 0 && !warmed.has(server)) {
        warmed.add(server);
        await drive(server.url, request, { duration: cfg.warmup, connections: cfg.connections });
      }
      const m = measured[variant]!;
      const cpuBefore = await server.cpu();
      const result = await drive(server.url, request, {
        duration: cfg.duration,
        connections: cfg.connections,
      });
      const responses = Object.values(result.statuses).reduce((a, b) => a + b, 0);
      cpu[variant] = ((await server.cpu()) - cpuBefore) / Math.max(1, responses);
      m.rps.push(result.rps);
      m.p99.push(result.p99);
      m.cpu.push(cpu[variant]);
      rps[variant] = result.rps;
      for (const [status, count] of Object.entries(result.statuses)) {
        if (Number(status) !== m.prepared.status)
          m.unexpected[Number(status)] = (m.unexpected[Number(status)] ?? 0) + count;
      }
      if (result.errors > 0) m.unexpected[0] = (m.unexpected[0] ?? 0) + result.errors;
    }
    row.ratios.push(rps.ours! / rps.bare!);
    row.cpuRatios.push(cpu.bare! / cpu.ours!);
    log(
      `  ${adapter} ${scenario.id} round ${round + 1}/${cfg.rounds} (processes ${index + 1}): ` +
        `bare ${Math.round(rps.bare!)} req/s ${cpu.bare!.toFixed(1)} µs CPU/req, ` +
        `ours ${Math.round(rps.ours!)} req/s ${cpu.ours!.toFixed(1)} µs CPU/req`,
    );
  }
  row.bare = measured.bare;
  row.ours = measured.ours;
  const wrong = (['bare', 'ours'] as const)
    .filter((v) => Object.keys(measured[v]!.unexpected).length > 0)
    .map(
      (v) =>
        `${v} also answered ${JSON.stringify(measured[v]!.unexpected)} (0 = connection errors)`,
    );
  if (wrong.length > 0) return { ...row, state: 'error', reason: wrong.join('; ') };
  return row;
}

/** One side of a paired measurement: a server and the request it is driven with. */
interface Side {
  server: ServerProcess;
  prepared: Prepared;
}

/** Each side's req/s and server CPU µs per response, round by round, and b/a of each round. */
interface Rounds {
  a: number[];
  b: number[];
  aCpu: number[];
  bCpu: number[];
  ratios: number[];
}

/**
 * Two sides in alternating rounds (A/B, B/A, ...), as for bare and ours: for comparisons the
 * scenario table does not make. Round r runs on side r of each list (modulo its length), each
 * side warmed before its first round. Every answer must have its side's status.
 */
async function alternate(label: string, a: Side[], b: Side[], cfg: Config): Promise<Rounds> {
  const run = async ({ server, prepared }: Side, seconds: number) => {
    const before = await server.cpu();
    const result = await drive(server.url, prepared.request, {
      duration: seconds,
      connections: cfg.connections,
    });
    const responses = Object.values(result.statuses).reduce((sum, n) => sum + n, 0);
    const wrong = responses - (result.statuses[prepared.status] ?? 0) + result.errors;
    if (wrong > 0) throw new Error(`${label}: ${wrong} answers were not ${prepared.status}`);
    return { rps: result.rps, cpu: ((await server.cpu()) - before) / Math.max(1, responses) };
  };
  const warmed = new Set<Side>();
  const measure = async (side: Side) => {
    if (cfg.warmup > 0 && !warmed.has(side)) {
      warmed.add(side);
      await run(side, cfg.warmup);
    }
    return run(side, cfg.duration);
  };
  const rounds: Rounds = { a: [], b: [], aCpu: [], bCpu: [], ratios: [] };
  for (let round = 0; round < cfg.rounds; round++) {
    const sa = a[round % a.length];
    const sb = b[round % b.length];
    const first = round % 2 === 0 ? sa : sb;
    const second = first === sa ? sb : sa;
    const got = new Map<Side, { rps: number; cpu: number }>();
    got.set(first, await measure(first));
    got.set(second, await measure(second));
    const ra = got.get(sa)!;
    const rb = got.get(sb)!;
    rounds.a.push(ra.rps);
    rounds.b.push(rb.rps);
    rounds.aCpu.push(ra.cpu);
    rounds.bCpu.push(rb.cpu);
    rounds.ratios.push(rb.rps / ra.rps);
    log(
      `  ${label} round ${round + 1}/${cfg.rounds}: ` +
        `${Math.round(ra.rps)} against ${Math.round(rb.rps)} req/s, ` +
        `${ra.cpu.toFixed(1)} against ${rb.cpu.toFixed(1)} µs CPU/req`,
    );
  }
  return rounds;
}

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id)!;

/**
 * Ours 304 against ours 200 on one server: `get-304`'s request and `get-small`'s, in alternating
 * rounds, so that the budget "the 304 is faster than the 200 it saves" compares like with like.
 */
async function measureNotModified(
  adapter: Adapter,
  servers: Servers,
  cfg: Config,
): Promise<NotModifiedPair | undefined> {
  const ids = cfg.scenarios.map((s) => s.id);
  if (!ids.includes('get-small') || !ids.includes('get-304')) return undefined;
  if (!servers.ours[0].features.has('etag')) return undefined;
  const ok: Side[] = [];
  const nm: Side[] = [];
  for (const server of servers.ours) {
    const target: Target = {
      url: server.url,
      adapter,
      variant: 'ours',
      features: server.features,
    };
    ok.push({ server, prepared: await prepare(scenario('get-small'), target) });
    nm.push({ server, prepared: await prepare(scenario('get-304'), target) });
  }
  const rounds = await alternate(`${adapter} ours 200 vs 304`, ok, nm, cfg);
  return {
    adapter,
    ok: rounds.a,
    nm: rounds.b,
    okCpu: rounds.aCpu,
    nmCpu: rounds.bCpu,
    ratios: rounds.ratios,
  };
}

/**
 * Bare Nest against bare Nest plus the contract's two headers (`--variant floor`) on Fastify's
 * small GET: what the headers alone cost, beside the ratio ours/bare of the table.
 */
async function measureFloor(
  adapter: Adapter,
  servers: Servers,
  cfg: Config,
): Promise<FloorPair | undefined> {
  if (adapter !== 'fastify' || !cfg.scenarios.some((s) => s.id === 'get-small')) return undefined;
  const floors: ServerProcess[] = [];
  const bares: ServerProcess[] = [];
  try {
    for (let i = 0; i < cfg.processes; i++) {
      floors.push(await startServer(adapter, 'floor', 'plain', cfg));
    }
    const side = async (server: ServerProcess): Promise<Side> => ({
      server,
      prepared: await prepare(scenario('get-small'), {
        url: server.url,
        adapter,
        variant: 'bare',
        features: server.features,
      }),
    });
    // Bare processes of their own too: the table's have served every scenario by now, and a
    // process that served only this GET runs it faster (measured: the floor came out 1.10x of the
    // table's bare processes, and 0.89x-0.94x of bare processes as fresh as its own).
    for (let i = 0; i < cfg.processes; i++) {
      bares.push(await startServer(adapter, 'bare', 'plain', cfg));
    }
    const bare: Side[] = [];
    for (const server of bares) bare.push(await side(server));
    const headers: Side[] = [];
    for (const server of floors) headers.push(await side(server));
    const rounds = await alternate(`${adapter} bare vs floor`, bare, headers, cfg);
    return {
      adapter,
      bare: rounds.a,
      floor: rounds.b,
      bareCpu: rounds.aCpu,
      floorCpu: rounds.bCpu,
      ratios: rounds.ratios,
    };
  } finally {
    await Promise.all([...floors, ...bares].map((server) => server.stop()));
  }
}

async function main(): Promise<void> {
  const cfg = config();
  // Read before pinning: once pinned, this process sees only its own CPU.
  const cpuCount = availableParallelism();
  const placement = placeProcesses(cfg.pin);
  cfg.serverCpus = placement.servers;
  const started = Date.now();
  const warmups = Math.min(cfg.rounds, cfg.processes);
  const perScenario = 2 * (warmups * cfg.warmup + cfg.rounds * cfg.duration);
  // One more pair of the kind per adapter (ours 304 against ours 200), and on Fastify one more
  // (bare against the floor).
  const floors =
    cfg.adapters.includes('fastify') && cfg.scenarios.some((s) => s.id === 'get-small') ? 1 : 0;
  const pairCount = cfg.tableOnly ? 0 : cfg.adapters.length + floors;
  const estimate = (cfg.adapters.length * cfg.scenarios.length + pairCount) * perScenario;
  log(
    `bench: ${cfg.scenarios.length} scenarios × ${cfg.adapters.length} adapters × 2 variants, ` +
      `${cfg.rounds} rounds of ${cfg.duration} s on ${cfg.processes} processes per variant: ` +
      `about ${Math.ceil(estimate / 60)} min. ${placement.describe}`,
  );
  const rows: Row[] = [];
  const pairs: NotModifiedPair[] = [];
  const floorPairs: FloorPair[] = [];
  for (const adapter of cfg.adapters) {
    // Each scenario gets the servers of its profile; a profile's servers start when first needed.
    const running = new Map<Profile, Servers>();
    try {
      for (const scenario of cfg.scenarios) {
        const profile = scenario.profile ?? 'plain';
        if (!running.has(profile)) running.set(profile, await startServers(adapter, profile, cfg));
        rows.push(await measureScenario(scenario, adapter, running.get(profile)!, cfg));
      }
      const plain = cfg.tableOnly ? undefined : running.get('plain');
      const pair = plain ? await measureNotModified(adapter, plain, cfg) : undefined;
      if (pair) pairs.push(pair);
      // The floor has no budget: a failure of its own is reported, not the end of the run.
      const floor = plain
        ? await measureFloor(adapter, plain, cfg).catch((error: unknown) => {
            log(`  ${adapter} floor not measured: ${(error as Error).message}`);
            return undefined;
          })
        : undefined;
      if (floor) floorPairs.push(floor);
    } finally {
      for (const servers of running.values()) await stopServers(servers);
    }
  }
  const info: RunInfo = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    cpus: cpuCount,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    platform: `${process.platform} ${process.arch}`,
    connections: cfg.connections,
    rounds: cfg.rounds,
    duration: cfg.duration,
    warmup: cfg.warmup,
    processes: cfg.processes,
    placement: placement.describe,
    elapsedSeconds: (Date.now() - started) / 1000,
  };
  const markdown = renderResults(rows, pairs, floorPairs, info);
  process.stdout.write(markdown);
  if (cfg.out) {
    writeFileSync(cfg.out, markdown);
    log(`bench: wrote ${cfg.out}`);
    // The published table gets its chart; a targeted run's file is no figure for the docs.
    const chart = cfg.chart ?? (cfg.full ? CHART : undefined);
    if (chart) {
      writeChart(cfg.out, chart);
      log(`bench: wrote ${chart}`);
    }
  }
  const missed =
    rows.filter((r) => ['MISSED', 'error'].includes(verdict(r))).length +
    pairs.filter((pair) => !notModifiedMeets(pair)).length;
  if (missed > 0) {
    log(`bench: ${missed} budget(s) missed or scenario(s) failed`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
