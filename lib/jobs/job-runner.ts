import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ErrorBodyBuilder } from '../errors/error-body';
import { ErrorNormalizer } from '../errors/error-normalizer';
import { defaultRequestId } from '../errors/request-id';
import { RESOLVED_STATUS_OPTIONS } from '../status.constants';
import type { ResolvedStatusOptions } from '../status.options';
import type { JobContext, JobWork } from './job-context';
import {
  JobInterruptedError,
  JobsBusyError,
  JobStoreUnavailableError,
  JobTimeoutError,
} from './job-errors';
import { isPending, type JobRecord } from './job-record';
import type { JobStore } from './job-store';
import { resolveJobsOptions, type ResolvedJobsOptions } from './jobs.options';
import { MemoryJobStore } from './memory-job-store';
import { RedisJobStore } from './redis-job-store';

/** How long past its deadline a pending job whose runner is not here counts as abandoned. */
const ORPHAN_GRACE_MS = 1_000;
/** setTimeout's longest delay; a longer timeout would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How one job is started; `@Async` fills this from the route and the request. */
export interface StartJobOptions {
  /** The status monitor's path for a job id. */
  statusUrl: (jobId: string) => string;
  /** The URL of the resource a result names, when there is one. */
  resultUrl?: (result: any) => string | undefined;
  /** Overrides the module's `idPrefix`. */
  idPrefix?: string;
  /** Overrides the module's `timeoutMs`. */
  timeoutMs?: number;
  /** The request that started the job; one is made up when there is none. */
  requestId?: string;
}

/** A job this instance accepted and has not finished. */
interface LiveJob {
  record: JobRecord;
  work: JobWork;
  resultUrl?: (result: any) => string | undefined;
  controller: AbortController;
  timer?: NodeJS.Timeout;
  launched: boolean;
  settled: boolean;
  /** Writes of this job, chained so that they reach the store in order. */
  writes: Promise<void>;
}

type Outcome = { result: unknown } | { error: unknown };

/**
 * Runs jobs in this process and keeps their state in the `JobStore`. The instance that accepts
 * a job runs it; the store is what instances share, so any of them can answer its status.
 * At most `concurrency` jobs run at once (the rest are `queued`); a job still pending at its
 * deadline is failed with `JOB_TIMEOUT`, and one whose instance vanished is failed the same way
 * by whichever instance reads it next.
 *
 * `@Async` routes use it; inject it to start jobs from elsewhere or to read them.
 *
 * @example
 * @Get('jobs/:jobId')
 * @JobStatus()
 * status(@Param('jobId') jobId: string) {
 *   return this.jobs.find(jobId);
 * }
 */
@Injectable()
export class JobRunner implements OnApplicationShutdown {
  /** Where job state lives (the module's `store`, Redis, or memory). */
  readonly store: JobStore;
  private readonly ownsStore: boolean;
  private readonly options: ResolvedJobsOptions;
  private readonly normalizer: ErrorNormalizer;
  private readonly bodies: ErrorBodyBuilder;
  private readonly live = new Map<string, LiveJob>();
  private readonly queue: LiveJob[] = [];
  private running = 0;
  private readonly logger = new Logger('StatusModule');

  constructor(@Inject(RESOLVED_STATUS_OPTIONS) statusOptions: ResolvedStatusOptions) {
    this.options = resolveJobsOptions(statusOptions.jobs);
    this.normalizer = new ErrorNormalizer(statusOptions);
    this.bodies = new ErrorBodyBuilder(statusOptions);
    const { store, redis, keyPrefix, maxEntries } = this.options;
    this.ownsStore = !store;
    this.store =
      store ??
      (redis !== undefined
        ? RedisJobStore.connect(redis, { keyPrefix })
        : new MemoryJobStore({ maxEntries }));
  }

  /**
   * Records the job as `queued` (awaited: once this resolves any instance can answer for it),
   * then runs it in the background. 503 `JOBS_BUSY` when this instance holds `maxPending` jobs,
   * 503 `JOB_STORE_UNAVAILABLE` when the store cannot be written.
   */
  async start(work: JobWork, options: StartJobOptions): Promise<JobRecord> {
    if (typeof work !== 'function') {
      throw new TypeError(`A job's work must be a function; got ${typeof work}.`);
    }
    if (this.live.size >= this.options.maxPending) {
      throw new JobsBusyError(this.options.retryAfterSeconds);
    }
    const timeoutMs = Math.min(options.timeoutMs ?? this.options.timeoutMs, MAX_TIMER_MS);
    const jobId = (options.idPrefix ?? this.options.idPrefix) + randomUUID();
    const now = Date.now();
    const record: JobRecord = {
      jobId,
      status: 'queued',
      statusUrl: options.statusUrl(jobId),
      createdAt: iso(now),
      deadline: iso(now + timeoutMs),
      requestId: options.requestId ?? defaultRequestId(),
    };
    const job: LiveJob = {
      record,
      work,
      resultUrl: options.resultUrl,
      controller: new AbortController(),
      launched: false,
      settled: false,
      writes: Promise.resolve(),
    };
    this.live.set(jobId, job); // counts against maxPending while the first write is under way
    try {
      await this.store.save(record, this.ttlFor(record));
    } catch (error) {
      this.live.delete(jobId);
      this.logger.error(`Job ${jobId} could not be recorded: ${describe(error)}`);
      throw new JobStoreUnavailableError(error);
    }
    job.timer = setTimeout(() => this.timeOut(job, timeoutMs), timeoutMs);
    job.timer.unref();
    this.queue.push(job);
    // Started on a later turn, so `queued` (what the 202 says) is what the store holds first.
    setImmediate(() => this.pump());
    return { ...record };
  }

  /**
   * The job's record, or `undefined` when it is unknown or expired. A pending job past its
   * deadline that no instance is running any more (its instance crashed) is failed here.
   */
  async find(jobId: string): Promise<JobRecord | undefined> {
    if (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > 200) return undefined;
    let record: JobRecord | undefined;
    try {
      record = await this.store.get(jobId);
    } catch (error) {
      this.logger.error(`Job ${jobId} could not be read: ${describe(error)}`);
      throw new JobStoreUnavailableError(error);
    }
    if (!record || !isPending(record) || this.live.has(jobId)) return record;
    const deadline = Date.parse(record.deadline);
    if (!(Date.now() > deadline + ORPHAN_GRACE_MS)) return record;
    const timeout = new JobTimeoutError(deadline - Date.parse(record.createdAt));
    const failed = this.finished(record, { error: timeout });
    await this.store
      .save(failed, this.ttlFor(failed))
      .catch((error) => this.logger.error(`Job ${jobId} could not be saved: ${describe(error)}`));
    return failed;
  }

  /** Fails the jobs still pending here (`JOB_INTERRUPTED`), then closes a store it made. */
  async onApplicationShutdown(): Promise<void> {
    const jobs = [...this.live.values()];
    for (const job of jobs) this.settle(job, { error: new JobInterruptedError() }, true);
    this.queue.length = 0;
    await Promise.all(jobs.map((job) => job.writes));
    if (this.ownsStore) await this.store.close?.();
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      if (!job.settled) this.launch(job);
    }
  }

  private launch(job: LiveJob): void {
    this.running++;
    job.launched = true;
    job.record = { ...job.record, status: 'running', startedAt: iso(Date.now()) };
    this.write(job);
    const context: JobContext = {
      jobId: job.record.jobId,
      signal: job.controller.signal,
      requestId: job.record.requestId,
    };
    // `then` rather than a direct call: a synchronous throw fails the job like a rejection.
    Promise.resolve()
      .then(() => job.work(context))
      .then(
        (result) => this.settle(job, { result }),
        (error: unknown) => this.settle(job, { error }),
      )
      .catch((error: unknown) =>
        this.logger.error(`Job ${job.record.jobId} could not be settled: ${describe(error)}`),
      );
  }

  private timeOut(job: LiveJob, timeoutMs: number): void {
    this.settle(job, { error: new JobTimeoutError(timeoutMs) }, true);
  }

  /** The first outcome wins: a result after a timeout, or a timeout after a result, is ignored. */
  private settle(job: LiveJob, outcome: Outcome, abort = false): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    this.live.delete(job.record.jobId);
    if (abort) job.controller.abort('error' in outcome ? outcome.error : undefined);
    if (job.launched) {
      // A timed-out job may still be busy, but its slot is freed: hung jobs must not starve the rest.
      this.running--;
      setImmediate(() => this.pump());
    }
    job.record = this.finished(job.record, outcome, job.resultUrl);
    this.write(job);
  }

  /** The final record: `succeeded` with a resultUrl or result, or `failed` with an error body. */
  private finished(
    record: JobRecord,
    outcome: Outcome,
    resultUrl?: (result: any) => string | undefined,
  ): JobRecord {
    const finishedAt = iso(Date.now());
    if ('result' in outcome) {
      try {
        const url = resultUrl?.(outcome.result);
        if (url !== undefined)
          return { ...record, status: 'succeeded', finishedAt, resultUrl: url };
        // Stored as JSON: a result that is not (a cycle, a BigInt) fails here, not in the store.
        const result =
          outcome.result === undefined ? undefined : JSON.parse(JSON.stringify(outcome.result));
        return { ...record, status: 'succeeded', finishedAt, result };
      } catch (error) {
        return this.finished(record, { error });
      }
    }
    return {
      ...record,
      status: 'failed',
      finishedAt,
      error: this.errorBody(outcome.error, record),
    };
  }

  /** Exactly the body an HTTP error would get; unexpected errors say nothing internal (and are logged). */
  private errorBody(error: unknown, record: JobRecord): Record<string, unknown> {
    try {
      const descriptor = this.normalizer.normalize(error);
      this.normalizer.log(error, descriptor, record.requestId);
      // Serialized here, so that extras JSON cannot hold (a BigInt) fail now rather than in the store.
      return JSON.parse(this.bodies.build(descriptor, record.requestId, record.statusUrl).body);
    } catch (unserializable) {
      this.logger.error(`Job ${record.jobId} failed with an error that cannot be described`);
      return this.errorBody(new Error(describe(unserializable)), record);
    }
  }

  private write(job: LiveJob): void {
    const record = job.record;
    job.writes = job.writes
      .then(() => this.store.save(record, this.ttlFor(record)))
      .catch((error) =>
        this.logger.error(`Job ${record.jobId} could not be saved: ${describe(error)}`),
      );
  }

  /** A finished record lives `ttlMs`; a pending one until `ttlMs` past its deadline. */
  private ttlFor(record: JobRecord): number {
    if (!isPending(record)) return this.options.ttlMs;
    return Date.parse(record.deadline) - Date.now() + ORPHAN_GRACE_MS + this.options.ttlMs;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
