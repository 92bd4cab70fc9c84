import { JobInterruptedError } from './job-errors';
import {
  JobFailure,
  JobHandedBack,
  type EngineRecord,
  type JobEngine,
  type JobHandler,
  type JobPayload,
  type QueueLoad,
  type DescribeJobError,
} from './job-engine';
import { queuedRecord } from './job-record';
import type { ResolvedJobsOptions } from '../options/jobs.options';
import { MemoryJobStore } from './memory-job-store';

/** How long a pending record is kept: until it finishes (then `ttlMs`). */
const PENDING_TTL_MS = 2 ** 31 - 1;

/** A job this process holds and has not finished. */
interface MemoryJob {
  queue: string;
  payload: JobPayload;
  record: EngineRecord;
  controller?: AbortController;
  retry?: NodeJS.Timeout;
}

/** One queue's worker in this process. */
interface MemoryQueue {
  handler?: JobHandler;
  concurrency: number;
  waiting: MemoryJob[];
  active: Set<MemoryJob>;
}

/**
 * The embedded engine (no Redis): queues, workers, retries and records in this process, with
 * the same contract as BullMQ's. Only this instance sees its jobs; its jobs end with it (marked
 * `JOB_INTERRUPTED` on shutdown).
 */
export class MemoryJobEngine implements JobEngine {
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly pending = new Map<string, MemoryJob>();
  private readonly store: MemoryJobStore;
  private stopped = false;

  constructor(
    private readonly options: ResolvedJobsOptions,
    private readonly describeError: DescribeJobError,
  ) {
    this.store = new MemoryJobStore({ maxEntries: options.maxEntries });
  }

  /** Records held (pending and finished), for the soak's bound. */
  get size(): number {
    return this.store.size;
  }

  async add(queue: string, jobId: string, payload: JobPayload): Promise<void> {
    const job: MemoryJob = {
      queue,
      payload,
      record: { ...queuedRecord(jobId, queue, payload), location: payload.location },
    };
    this.pending.set(jobId, job);
    this.save(job);
    this.queueOf(queue).waiting.push(job);
    // Started on a later turn, so `queued` (what the 202 says) is what the monitor sees first.
    setImmediate(() => this.pump(queue));
  }

  async find(jobId: string): Promise<EngineRecord | undefined> {
    return this.store.get(jobId);
  }

  async load(queue: string): Promise<QueueLoad> {
    const state = this.queueOf(queue);
    return {
      waiting: state.waiting.length,
      active: state.active.size,
      capacity: state.handler && !this.stopped ? state.concurrency : 0,
    };
  }

  work(queue: string, concurrency: number, handler: JobHandler): void {
    const state = this.queueOf(queue);
    state.handler = handler;
    state.concurrency = concurrency;
    setImmediate(() => this.pump(queue));
  }

  /** Every job still pending here fails with `JOB_INTERRUPTED`: no other instance can run it. */
  async stopWorking(): Promise<void> {
    this.stopped = true;
    for (const job of [...this.pending.values()]) {
      clearTimeout(job.retry);
      job.controller?.abort(new JobHandedBack());
      this.finish(job, 'failed', {
        error: this.describeError(new JobInterruptedError(), job.payload),
      });
    }
    for (const state of this.queues.values()) state.waiting.length = 0;
  }

  async close(): Promise<void> {
    if (!this.stopped) await this.stopWorking();
    await this.store.close();
  }

  private queueOf(queue: string): MemoryQueue {
    let state = this.queues.get(queue);
    if (!state) {
      state = { concurrency: this.options.concurrency, waiting: [], active: new Set() };
      this.queues.set(queue, state);
    }
    return state;
  }

  private pump(queue: string): void {
    const state = this.queueOf(queue);
    while (
      !this.stopped &&
      state.handler &&
      state.active.size < state.concurrency &&
      state.waiting.length > 0
    ) {
      this.run(state, state.waiting.shift()!, state.handler);
    }
  }

  private run(state: MemoryQueue, job: MemoryJob, handler: JobHandler): void {
    state.active.add(job);
    const controller = new AbortController();
    job.controller = controller;
    job.record = {
      ...job.record,
      status: 'running',
      startedAt: new Date().toISOString(),
      progress: undefined,
    };
    this.save(job);
    const { record } = job;
    const context = {
      id: record.jobId,
      queueName: job.queue,
      data: job.payload.data,
      attemptsMade: record.attemptsMade,
      requestId: record.requestId,
      signal: controller.signal,
      updateProgress: async (progress: number | object) => {
        if (job.controller !== controller || job.record.status !== 'running') return;
        job.record = { ...job.record, progress: JSON.parse(JSON.stringify(progress)) };
        this.save(job);
      },
    };
    handler({ context, controller, payload: job.payload })
      .then(
        (result) => this.finish(job, 'succeeded', { result }),
        (error: unknown) => this.failed(job, error),
      )
      .finally(() => {
        state.active.delete(job);
        setImmediate(() => this.pump(job.queue));
      });
  }

  /** A failed run: retried while attempts are left (4xx domain errors never), else final. */
  private failed(job: MemoryJob, error: unknown): void {
    if (!this.pending.has(job.record.jobId)) return; // already settled (shutdown)
    if (error instanceof JobHandedBack) return;
    const attemptsMade = job.record.attemptsMade + 1;
    const failure =
      error instanceof JobFailure
        ? error
        : new JobFailure(this.describeError(error, job.payload), false);
    if (failure.final || attemptsMade >= this.options.attempts) {
      job.record = { ...job.record, attemptsMade };
      this.finish(job, 'failed', { error: failure.body });
      return;
    }
    job.record = { ...job.record, status: 'queued', attemptsMade, progress: undefined };
    this.save(job);
    job.retry = setTimeout(
      () => {
        job.retry = undefined;
        if (this.stopped) return;
        this.queueOf(job.queue).waiting.push(job);
        this.pump(job.queue);
      },
      this.options.retryDelayMs * 2 ** (attemptsMade - 1),
    );
    job.retry.unref();
  }

  private finish(
    job: MemoryJob,
    status: 'succeeded' | 'failed',
    outcome: { result?: unknown; error?: Record<string, unknown> },
  ): void {
    if (!this.pending.delete(job.record.jobId)) return; // terminal states are final
    job.controller = undefined;
    const { progress: _progress, ...rest } = job.record;
    job.record = { ...rest, status, finishedAt: new Date().toISOString(), ...outcome };
    this.save(job);
  }

  private save(job: MemoryJob): void {
    const ttl = this.pending.has(job.record.jobId) ? PENDING_TTL_MS : this.options.ttlMs;
    void this.store.save(job.record, ttl);
  }
}
