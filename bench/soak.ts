import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { request } from 'undici';
import type { MemoryMessage } from './harness/child-ipc';
import { median } from './harness/load';
import { startServerProcess, ServerProcess } from './harness/server-process';
import { faultProblems, FaultResult, renderFaults, soakFaults } from './soak-faults';
import { JobFollower, JobTally } from './soak-jobs';
import { soakMix } from './soak-traffic';

/**
 * `npm run soak`: a few minutes of mixed traffic against the sample (reads, every error path,
 * report jobs, rate-limited requests) on each adapter. Watches the server's memory after GC and
 * its job store, follows every accepted job to its end, and prints (and on a full run writes to
 * bench/SOAK.md) the figures. Exits 1 on a 5xx, a lost job, a store over its bound, or memory
 * that keeps growing.
 *
 * Options: `--duration S` (per adapter, default 180), `--rate N` (mix requests/s, default 600), `--job-rate N` (jobs/s, default 150),
 * `--adapters express,fastify`, `--quick` (30 s, nothing written), `--out FILE`,
 * `--fault-duration S` (the fault phase per adapter, default 90; 0 leaves it out; see `soak-faults.ts`).
 */
const JOB_STORE_BOUND = 10_000; // JobsOptions.maxEntries, the sample keeps the default
/** Short, so the sample's 16 job slots keep up with the job rate (16 / 50 ms = 320 jobs/s). */
const REPORT_DELAY_MS = 50;
/** Heap growth over the last half of the run that still counts as flat. */
const PLATEAU_MB_PER_MIN = 1;

interface Sample {
  t: number;
  rss: number;
  heapUsed: number;
  jobStoreSize: number;
}

interface AdapterResult {
  adapter: string;
  seconds: number;
  rate: number;
  requests: number;
  statuses: Record<number, number>;
  pollStatuses: Record<number, number>;
  connectionErrors: number;
  samples: Sample[];
  start: Sample;
  end: Sample;
  plateau: { rss: number; heapUsed: number; heapSlopeMbPerMin: number };
  maxJobStore: number;
  jobs: JobTally;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const log = (message: string) => process.stderr.write(message + '\n');

async function sample(server: ServerProcess, t0: number): Promise<Sample> {
  const m: MemoryMessage = await server.memory();
  return {
    t: (Date.now() - t0) / 1000,
    rss: m.rss,
    heapUsed: m.heapUsed,
    jobStoreSize: m.extra.jobStoreSize,
  };
}

/** Least-squares slope of `y` over `x`. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function soakAdapter(
  adapter: string,
  seconds: number,
  rate: number,
  jobRate: number,
): Promise<AdapterResult> {
  const database = join(tmpdir(), `nestjs-status-soak-${process.pid}-${adapter}.sqlite`);
  // The mix is driven 25% over the rate limit, so part of it is answered 429; the jobs, sent
  // from another address, stay under it.
  const config = {
    reportDelayMs: REPORT_DELAY_MS,
    rateLimit: Math.round(rate * 0.8),
    rateLimitWindow: 1,
    databasePath: database,
  };
  const server = await startServerProcess(
    join(__dirname, 'soak-server.js'),
    ['--adapter', adapter, '--config', JSON.stringify(config)],
    { execArgv: ['--expose-gc'] },
  );
  try {
    const base = server.url;
    const user = await request(`${base}/api/users/1`);
    await user.body.dump();
    const tokenResponse = await request(`${base}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'admin-password' }),
    });
    const { accessToken } = (await tokenResponse.body.json()) as { accessToken: string };
    const follower = new JobFollower(
      () => base,
      () => base,
      REPORT_DELAY_MS,
    );
    const following = follower.run();
    const t0 = Date.now();
    const samples: Sample[] = [];
    const start = await sample(server, t0);
    log(`soak ${adapter}: ${seconds} s at ${rate} req/s; start RSS ${mb(start.rss)} MB`);
    const requests = soakMix({
      userEtag: String(user.headers.etag ?? '"none"'),
      token: accessToken,
    });
    const submitting = follower.submit(jobRate, seconds);
    const load = autocannon({
      url: base,
      connections: 16,
      duration: seconds,
      overallRate: rate,
      requests,
      timeout: 10,
    });
    const every = Math.max(5, Math.round(seconds / 24));
    const sampling = (async () => {
      for (let next = every; next < seconds; next += every) {
        await sleep(t0 + next * 1000 - Date.now());
        const s = await sample(server, t0);
        samples.push(s);
        log(
          `  ${adapter} t=${Math.round(s.t)}s RSS ${mb(s.rss)} MB, heap ${mb(s.heapUsed)} MB, ` +
            `job store ${s.jobStoreSize}, jobs accepted ${follower.tally.accepted}`,
        );
      }
    })();
    const result = await load;
    await submitting;
    await sampling;
    // Let the last jobs end (a few report delays and monitor retries).
    const deadline = Date.now() + 30_000;
    while (follower.pending > 0 && Date.now() < deadline) await sleep(100);
    follower.stop();
    await following;
    await follower.close();
    const end = await sample(server, t0);
    const statuses: Record<number, number> = {};
    for (const [code, { count }] of Object.entries(result.statusCodeStats))
      statuses[Number(code)] = count;
    const lastHalf = samples.filter((s) => s.t >= seconds / 2);
    return {
      adapter,
      seconds,
      rate,
      requests: result.requests.total,
      statuses,
      pollStatuses: follower.statuses,
      connectionErrors: result.errors,
      samples,
      start,
      end,
      plateau: {
        rss: median(lastHalf.map((s) => s.rss)),
        heapUsed: median(lastHalf.map((s) => s.heapUsed)),
        heapSlopeMbPerMin:
          (slope(lastHalf.map((s) => [s.t, s.heapUsed] as [number, number])) * 60) / 1024 / 1024,
      },
      maxJobStore: Math.max(
        start.jobStoreSize,
        end.jobStoreSize,
        ...samples.map((s) => s.jobStoreSize),
      ),
      jobs: follower.tally,
    };
  } finally {
    await server.stop();
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      rmSync(database + suffix, { force: true });
  }
}

/** What went wrong, if anything. */
function problems(r: AdapterResult): string[] {
  const found: string[] = [];
  const fives = Object.entries({ ...r.statuses, ...r.pollStatuses }).filter(
    ([s]) => Number(s) >= 500,
  );
  if (fives.length > 0) found.push(`5xx answers: ${JSON.stringify(Object.fromEntries(fives))}`);
  if (r.jobs.hung > 0) found.push(`${r.jobs.hung} submissions or polls hung`);
  if (r.jobs.lost > 0) found.push(`${r.jobs.lost} accepted jobs lost (404 before they ended)`);
  if (r.jobs.unfinished > 0) found.push(`${r.jobs.unfinished} jobs unfinished when the soak ended`);
  if (r.jobs.accepted !== r.jobs.succeeded + r.jobs.failed + r.jobs.lost + r.jobs.unfinished)
    found.push('jobs do not add up');
  if (r.maxJobStore > JOB_STORE_BOUND)
    found.push(`job store reached ${r.maxJobStore} > ${JOB_STORE_BOUND}`);
  if (r.plateau.heapSlopeMbPerMin > PLATEAU_MB_PER_MIN)
    found.push(
      `heap still growing ${r.plateau.heapSlopeMbPerMin.toFixed(2)} MB/min over the last half`,
    );
  return found;
}

function render(results: AdapterResult[]): string {
  const lines = [
    '# Soak results',
    '',
    `Run ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} on ${availableParallelism()} CPUs ` +
      `(${cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}. Produced by \`npm run soak\`: ` +
      'the sample app in its own process (`--expose-gc`), driven by autocannon at a fixed rate with ' +
      '16 connections through a mix of reads and every error path, 25% over the rate limit (so part ' +
      `of it is answered 429); beside it, report jobs (\`REPORT_DELAY_MS=${REPORT_DELAY_MS}\`) sent at a ` +
      'steady rate, every accepted one followed on its monitor to its end, from loopback addresses ' +
      'of their own (clients of their own for the rate limit, under it). Memory is read after a full GC. ' +
      '"plateau" is the median over the last half of the run.',
    '',
    '| adapter | duration | requests | answers by status | RSS start / plateau / end (MB) | heap start / plateau / end (MB) | heap slope, last half | job store max (bound) | jobs sent (answers) | jobs accepted / succeeded / failed / lost / unfinished | verdict |',
    '|---|--:|--:|---|---|---|--:|--:|---|---|---|',
  ];
  for (const r of results) {
    const statuses = Object.entries(r.statuses)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    const polls = Object.entries(r.pollStatuses)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    const found = problems(r);
    lines.push(
      `| ${r.adapter} | ${r.seconds} s at ${r.rate}/s | ${r.requests.toLocaleString('en-US')} + ${Object.values(
        r.pollStatuses,
      )
        .reduce((a, b) => a + b, 0)
        .toLocaleString(
          'en-US',
        )} monitor polls | ${statuses}; polls ${polls}${r.connectionErrors ? `; ${r.connectionErrors} connection errors` : ''} | ` +
        `${mb(r.start.rss)} / ${mb(r.plateau.rss)} / ${mb(r.end.rss)} | ${mb(r.start.heapUsed)} / ${mb(r.plateau.heapUsed)} / ${mb(r.end.heapUsed)} | ` +
        `${r.plateau.heapSlopeMbPerMin.toFixed(2)} MB/min | ${r.maxJobStore.toLocaleString('en-US')} (${JOB_STORE_BOUND.toLocaleString('en-US')}) | ` +
        `${r.jobs.submitted} (${Object.entries(r.jobs.submitStatuses)
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ')}) | ` +
        `${r.jobs.accepted} / ${r.jobs.succeeded} / ${r.jobs.failed} / ${r.jobs.lost} / ${r.jobs.unfinished} | ${found.length === 0 ? 'ok' : found.join('; ')} |`,
    );
  }
  lines.push('', '## Memory after GC over time', '');
  for (const r of results) {
    lines.push(
      `- ${r.adapter}: ` +
        [r.start, ...r.samples, r.end]
          .map((s) => `${Math.round(s.t)}s ${mb(s.rss)}/${mb(s.heapUsed)}/${s.jobStoreSize}`)
          .join(', ') +
        ' (t RSS/heap MB/job store)',
    );
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      rate: { type: 'string', default: '600' },
      'job-rate': { type: 'string', default: '150' },
      adapters: { type: 'string', default: 'express,fastify' },
      out: { type: 'string' },
      'fault-duration': { type: 'string' },
    },
  });
  const seconds = Number(values.duration ?? (values.quick ? 30 : 180));
  const rate = Number(values.rate);
  const adapters = values.adapters.split(',');
  const full = !values.quick && values.duration === undefined && adapters.length === 2;
  const out = values.out ?? (full ? join(__dirname, '..', '..', 'bench', 'SOAK.md') : undefined);
  const results: AdapterResult[] = [];
  const jobRate = Number(values['job-rate']);
  for (const adapter of adapters) results.push(await soakAdapter(adapter, seconds, rate, jobRate));
  const faultSeconds = Number(values['fault-duration'] ?? (values.quick ? 30 : 90));
  const faults: FaultResult[] = [];
  if (faultSeconds > 0)
    for (const adapter of adapters)
      faults.push(await soakFaults(adapter, faultSeconds, rate / 2, jobRate / 5, log));
  const markdown =
    render(results) + (faults.length ? '\n' + renderFaults(faults).join('\n') + '\n' : '');
  process.stdout.write(markdown);
  if (out) {
    writeFileSync(out, markdown);
    log(`soak: wrote ${out}`);
  }
  if (
    results.some((r) => problems(r).length > 0) ||
    faults.some((f) => faultProblems(f).length > 0)
  )
    process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
