import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { request } from 'undici';
import { RedisProcess } from './harness/redis-process';
import { startServerProcess, ServerProcess } from './harness/server-process';
import { JobFollower, JobTally } from './soak-jobs';
import { soakMix, SoakRequest } from './soak-traffic';

/** How long each fault lasts. */
const REDIS_DOWN_SECONDS = 10;
const INSTANCE_DOWN_SECONDS = 3;
/** Short enough that jobs pile up while Redis or an instance is down, long enough to be killed mid-run. */
const REPORT_DELAY_MS = 200;

/** What the fault phase saw on one adapter. */
export interface FaultResult {
  adapter: string;
  seconds: number;
  rate: number;
  requests: number;
  statuses: Record<number, number>;
  /** Every 5xx of the mix, the job submissions and the monitor polls, by `status code`. */
  fiveHundreds: Record<string, number>;
  /** 5xx answers without `Retry-After`. */
  fiveHundredsWithoutRetryAfter: number;
  connectionErrors: number;
  /** Requests of the mix left unanswered for 5 s: a hang. */
  timeouts: number;
  jobs: JobTally;
  timeline: string[];
}

/**
 * The soak's fault phase: two sample instances (A and B) on one Redis and one database file, mixed
 * traffic to B, report jobs sent to both and followed through B. A quarter of the way in, Redis is
 * stopped and started again ten seconds later (its data kept on disk); past half-way, A is killed
 * with SIGKILL and started again. Every 5xx is tallied by its code; every accepted job must end,
 * succeeded or failed for its own reason.
 */
export async function soakFaults(
  adapter: string,
  seconds: number,
  rate: number,
  jobRate: number,
  log: (message: string) => void,
): Promise<FaultResult> {
  const redis = await RedisProcess.start();
  const database = join(tmpdir(), `nestjs-status-soak-faults-${process.pid}-${adapter}.sqlite`);
  const config = {
    reportDelayMs: REPORT_DELAY_MS,
    rateLimit: Math.round(rate * 0.8),
    rateLimitWindow: 1,
    databasePath: database,
    redisUrl: redis.url,
    // A killed instance's jobs are taken over within about 3 × this (lock + two stalled checks).
    jobLockMs: 2_000,
  };
  const start = () =>
    startServerProcess(
      join(__dirname, 'soak-server.js'),
      ['--adapter', adapter, '--config', JSON.stringify(config)],
      { execArgv: ['--expose-gc'] },
    );
  const timeline: string[] = [];
  const t0 = Date.now();
  const mark = (what: string) => {
    const line = `t=${Math.round((Date.now() - t0) / 1000)}s ${what}`;
    timeline.push(line);
    log(`  ${adapter} ${line}`);
  };
  let a: ServerProcess | undefined;
  let b: ServerProcess | undefined;
  try {
    b = await start();
    a = await start();
    const bUrl = b.url;
    const fiveHundreds: Record<string, number> = {};
    let withoutRetryAfter = 0;
    const tally = (status: number, body: string, retryAfter: unknown) => {
      if (status < 500) return;
      fiveHundreds[`${status} ${codeOf(body)}`] =
        (fiveHundreds[`${status} ${codeOf(body)}`] ?? 0) + 1;
      if (retryAfter === undefined) withoutRetryAfter++;
    };
    let aUrl = a.url;
    let turn = 0;
    const follower = new JobFollower(
      () => ((turn++ >> 1) % 2 === 0 ? aUrl : bUrl),
      () => bUrl,
      REPORT_DELAY_MS,
      tally,
    );
    const following = follower.run();
    const context = await loginContext(bUrl);
    const requests = soakMix(context).map((r: SoakRequest) => ({
      ...r,
      onResponse: (
        status: number,
        body: string,
        _context: unknown,
        headers: Record<string, string | undefined>,
      ) => tally(status, body, headerOf(headers, 'retry-after')),
    }));
    log(`soak faults ${adapter}: ${seconds} s at ${rate} req/s, Redis at ${redis.url}`);
    const submitting = follower.submit(jobRate, seconds);
    const load = autocannon({
      url: bUrl,
      connections: 16,
      duration: seconds,
      overallRate: rate,
      requests,
      timeout: 5,
    });
    const faults = (async () => {
      await sleep(t0 + seconds * 250 - Date.now());
      mark('Redis stopped');
      await redis.stop();
      await sleep(REDIS_DOWN_SECONDS * 1000);
      await redis.resume();
      mark('Redis started again, with its data');
      await sleep(t0 + seconds * 600 - Date.now());
      mark('instance A killed (SIGKILL)');
      await a!.kill();
      await sleep(INSTANCE_DOWN_SECONDS * 1000);
      a = await start();
      aUrl = a.url;
      mark('instance A started again');
    })();
    const result = await load;
    await submitting;
    await faults;
    // Jobs A held when it died are taken over once their lock lapses: allow for it.
    const deadline = Date.now() + 90_000;
    while (follower.pending > 0 && Date.now() < deadline) await sleep(200);
    follower.stop();
    await following;
    await follower.close();
    const statuses: Record<number, number> = {};
    for (const [code, { count }] of Object.entries(result.statusCodeStats))
      statuses[Number(code)] = count;
    return {
      adapter,
      seconds,
      rate,
      requests: result.requests.total,
      statuses,
      fiveHundreds,
      fiveHundredsWithoutRetryAfter: withoutRetryAfter,
      connectionErrors: result.errors,
      timeouts: result.timeouts,
      jobs: follower.tally,
      timeline,
    };
  } finally {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis.remove();
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      rmSync(database + suffix, { force: true });
  }
}

/** What went wrong in a fault phase, if anything. */
export function faultProblems(r: FaultResult): string[] {
  const found: string[] = [];
  const unexpected = Object.entries(r.fiveHundreds).filter(([key]) => !key.startsWith('503 '));
  if (unexpected.length > 0)
    found.push(`5xx other than 503: ${JSON.stringify(Object.fromEntries(unexpected))}`);
  if (r.fiveHundredsWithoutRetryAfter > 0)
    found.push(`${r.fiveHundredsWithoutRetryAfter} 5xx without Retry-After`);
  if (r.timeouts > 0) found.push(`${r.timeouts} requests of the mix hung (no answer within 5 s)`);
  const j = r.jobs;
  if (j.lost > 0) found.push(`${j.lost} accepted jobs lost (404 before they ended)`);
  if (j.unfinished > 0) found.push(`${j.unfinished} jobs unfinished when the soak ended`);
  if (j.accepted !== j.succeeded + j.failed + j.lost + j.unfinished)
    found.push('jobs do not add up');
  if (j.hung > 0) found.push(`${j.hung} submissions or polls hung (no answer within 5 s)`);
  const timedOut = j.failedByCode.JOB_TIMEOUT ?? 0;
  if (timedOut > 0) found.push(`${timedOut} jobs failed JOB_TIMEOUT`);
  return found;
}

/** The fault phase's table, for `bench/SOAK.md`. */
export function renderFaults(results: FaultResult[]): string[] {
  const lines = [
    '## Fault phase',
    '',
    'Two sample instances (A, B) on one Redis (append-only file, as in production) and one ' +
      `database file; the mix sent to B, report jobs (\`REPORT_DELAY_MS=${REPORT_DELAY_MS}\`) to A ` +
      `and B in turn and followed through B. A quarter in, Redis is stopped for ${REDIS_DOWN_SECONDS} s ` +
      `and started again with its data; past half-way, A is killed with SIGKILL and started again ` +
      `${INSTANCE_DOWN_SECONDS} s later. 5xx are counted by code; every accepted job must end.`,
    '',
    '| adapter | duration | requests | answers by status | 5xx by cause | jobs sent (answers) | jobs accepted / succeeded / failed (by code) / lost / unfinished | verdict |',
    '|---|--:|--:|---|---|---|---|---|',
  ];
  const list = (o: Record<string | number, number>) =>
    Object.entries(o)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ') || 'none';
  for (const r of results) {
    const found = faultProblems(r);
    const j = r.jobs;
    lines.push(
      `| ${r.adapter} | ${r.seconds} s at ${r.rate}/s | ${r.requests.toLocaleString('en-US')} | ` +
        `${list(r.statuses)}${r.connectionErrors ? `; ${r.connectionErrors} connection errors` : ''} | ` +
        `${list(r.fiveHundreds)} | ${j.submitted} (${list(j.submitStatuses)}${j.hung ? `; ${j.hung} hung` : ''}) | ` +
        `${j.accepted} / ${j.succeeded} / ${j.failed} (${list(j.failedByCode)}) / ${j.lost} / ${j.unfinished} | ` +
        `${found.length === 0 ? 'ok' : found.join('; ')} |`,
    );
  }
  lines.push('');
  for (const r of results) lines.push(`- ${r.adapter}: ${r.timeline.join('; ')}`);
  return lines;
}

/** autocannon hands headers over with their names as sent (`Retry-After`). */
function headerOf(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const key in headers) if (key.toLowerCase() === name) return headers[key];
  return undefined;
}

function codeOf(body: string): string {
  try {
    return String((JSON.parse(body) as { code?: unknown }).code ?? 'no code');
  } catch {
    return 'not JSON';
  }
}

async function loginContext(base: string): Promise<{ userEtag: string; token: string }> {
  const user = await request(`${base}/api/users/1`);
  await user.body.dump();
  const tokenResponse = await request(`${base}/api/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'admin-password' }),
  });
  const { accessToken } = (await tokenResponse.body.json()) as { accessToken: string };
  return { userEtag: String(user.headers.etag ?? '"none"'), token: accessToken };
}
