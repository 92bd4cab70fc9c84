import { withDefaults } from './with-defaults';

/**
 * ioredis options (`RedisOptions`), typed here by the few members most apps set: ioredis is an
 * optional peer, and an app that does not use it must compile without it. Any other ioredis
 * option is accepted as it is.
 */
export interface RedisConnectionOptions {
  host?: string;
  port?: number;
  /** A Unix socket instead of `host` and `port`. */
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  /** `{}` or Node's TLS options: connect with TLS (a `rediss://` URL does the same). */
  tls?: object;
  [option: string]: any;
}

/** How to reach Redis: a `redis://` URL or ioredis options (the engine makes its own connections). */
export type RedisConnection = string | RedisConnectionOptions;

/**
 * `StatusModule.forRoot({ jobs: { ... } })`: which engine runs accepted work and its bounds.
 * Every member is optional; the defaults are below. `@Async`, `@Processor` and `@JobStatus`
 * override some per route or queue.
 */
export class JobsOptions {
  /**
   * Run jobs on BullMQ in this Redis: any instance's worker takes them, a job whose worker dies is
   * run again by another. Unset: the in-memory engine, for one instance only.
   */
  redis?: RedisConnection = undefined;
  /** Prefix of BullMQ's Redis keys; apps sharing a Redis use different ones. */
  prefix?: string = 'nestjs-status';
  /** How long a finished job is kept (ms); after it the monitor answers 404. */
  ttlMs?: number = 60 * 60 * 1000;
  /** Memory engine only: most jobs kept. */
  maxEntries?: number = 10_000;
  /** How long one run may take (ms); past it the run fails with `JOB_TIMEOUT` and is not retried. */
  timeoutMs?: number = 5 * 60 * 1000;
  /** Jobs of one queue this instance runs at once (per queue: `@Processor(queue, { concurrency })`). */
  concurrency?: number = 16;
  /** Runs a job gets when its processor throws something other than a 4xx domain error. */
  attempts?: number = 3;
  /** Wait before the first retry (ms); it doubles for each later one. */
  retryDelayMs?: number = 1_000;
  /**
   * How often a job may be cut short by a worker that died (BullMQ's stalled jobs) and still be
   * run again; once more and it fails with `JOB_INTERRUPTED`. A job handed back by a clean
   * shutdown does not count.
   */
  maxInterruptions?: number = 2;
  /**
   * BullMQ: how long a worker's lock on a running job lasts without renewal (ms). A dead worker's
   * job is seen as stalled once this lapses, at the next stalled check.
   */
  lockDurationMs?: number = 30_000;
  /** BullMQ: how often workers look for stalled jobs (ms). A dead worker's job restarts within about `lockDurationMs + 2 × stalledCheckMs`. */
  stalledCheckMs?: number = 30_000;
  /**
   * The job's deadline to START (ms after it is accepted): `@Async` answers 202 only when the queue
   * (jobs waiting, workers, typical run time) lets it start by then; otherwise 503 + Retry-After.
   */
  startWithinMs?: number = 30_000;
  /**
   * The waiting room: most jobs of a queue waiting to start. A second, hard bound beside
   * `startWithinMs` (both are checked, so neither can promise what the other refuses).
   */
  maxWaiting?: number = 1_000;
  /** Run time (ms) assumed for the admission estimate until this instance has measured some runs. */
  typicalDurationMs?: number = 1_000;
  /** Longest wait for one Redis command of the engine (ms), then 503 + Retry-After. */
  commandTimeoutMs?: number = 500;
  /** `Retry-After` (seconds) of the monitor while a job is pending, and of a 503 `JOBS_UNAVAILABLE`. */
  retryAfterSeconds?: number = 1;
  /** What the monitor answers for a job that produced a resource: 303 + Location, or 200 naming it. */
  doneStatus?: 303 | 200 = 303;
  /** Start of every job id (per route: `@Async(queue, { idPrefix })`). */
  idPrefix?: string = 'job-';
}

/** The jobs options with every default filled in (`redis` may stay unset). */
export type ResolvedJobsOptions = Required<Omit<JobsOptions, 'redis'>> & Pick<JobsOptions, 'redis'>;

/** `{ ...new JobsOptions(), ...options }`, ignoring members set to `undefined`. */
export function resolveJobsOptions(options: JobsOptions = {}): ResolvedJobsOptions {
  const resolved = withDefaults(JobsOptions, options) as ResolvedJobsOptions;
  for (const name of [
    'ttlMs',
    'timeoutMs',
    'concurrency',
    'attempts',
    'lockDurationMs',
    'stalledCheckMs',
    'startWithinMs',
    'maxWaiting',
    'typicalDurationMs',
    'commandTimeoutMs',
  ] as const) {
    const value = resolved[name];
    if (!(Number.isFinite(value) && value > 0)) {
      throw new TypeError(`jobs.${name} must be a positive number; got ${String(value)}.`);
    }
  }
  return resolved;
}
