import type { JobStore } from './job-store';
import type { RedisConnection } from './redis-job-store';

/**
 * `StatusModule.forRoot({ jobs: { ... } })`: where job state lives and how long jobs may take.
 * Every member is optional; the defaults are below. `@Async` and `@JobStatus` override some per route.
 */
export class JobsOptions {
  /** A store instance of yours; wins over `redis`. You close it. */
  store?: JobStore = undefined;
  /**
   * Keep job state in Redis (a URL, ioredis options, or a client), shared by every instance.
   * A client you pass stays yours to close; one made from a URL or options is closed on shutdown.
   * Unset (and no `store`): an in-memory store, for one instance only.
   */
  redis?: RedisConnection = undefined;
  /** Prefix of the Redis keys. */
  keyPrefix?: string = 'nestjs-status:job:';
  /** How long a finished job's record is kept (ms); after it the monitor answers 404. */
  ttlMs?: number = 60 * 60 * 1000;
  /** In-memory store only: most records kept. */
  maxEntries?: number = 10_000;
  /** A job still pending this long after it was accepted is marked failed (`JOB_TIMEOUT`). */
  timeoutMs?: number = 5 * 60 * 1000;
  /** Jobs this instance runs at once; the rest wait as `queued`. */
  concurrency?: number = 16;
  /** Unfinished jobs this instance holds at most; past it `@Async` routes answer 503 + Retry-After. */
  maxPending?: number = 1_000;
  /** `Retry-After` (seconds) of the monitor while a job is pending, and of a 503 `JOBS_BUSY`. */
  retryAfterSeconds?: number = 1;
  /** What the monitor answers for a job that produced a resource: 303 + Location, or 200 naming it. */
  doneStatus?: 303 | 200 = 303;
  /** Start of every job id (per route: `@Async({ idPrefix })`). */
  idPrefix?: string = 'job-';
}

/** The jobs options with every default filled in (`store` and `redis` may stay unset). */
export type ResolvedJobsOptions = Required<Omit<JobsOptions, 'store' | 'redis'>> &
  Pick<JobsOptions, 'store' | 'redis'>;

/** `{ ...new JobsOptions(), ...options }`, ignoring members set to `undefined`. */
export function resolveJobsOptions(options: JobsOptions = {}): ResolvedJobsOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...new JobsOptions(), ...defined } as ResolvedJobsOptions;
}
