import { OutageLog } from '../platform/outage-log';
import { requireOptionalPeer } from '../platform/optional-peer';
import type { Job, JobType, Queue, Worker } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { JobInterruptedError } from './job-errors';
import {
  JobFailure,
  JobHandedBack,
  type EngineRecord,
  type EngineRun,
  type JobEngine,
  type JobHandler,
  type JobPayload,
  type QueueLoad,
  type DescribeJobError,
} from './job-engine';
import type { JobState } from './job-record';
import type { ResolvedJobsOptions } from '../options/jobs.options';

/** BullMQ's states, as the monitor says them. */
const STATES: Partial<Record<string, JobState>> = {
  waiting: 'queued',
  'waiting-children': 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  paused: 'queued',
  active: 'running',
  completed: 'succeeded',
  failed: 'failed',
};
const WAITING: JobType[] = ['waiting', 'prioritized', 'delayed', 'paused'];
/** How long a count of live workers is reused by the admission estimate. */
const WORKERS_TTL_MS = 2_000;
/** Longest wait on shutdown for workers to hand their jobs back, and for queues to close. */
const SHUTDOWN_WAIT_MS = 3_000;

/** A run of this instance's worker, kept to hand it back on shutdown. */
interface ActiveRun {
  controller: AbortController;
}

/**
 * The engine when `jobs.redis` is set: BullMQ queues and workers (bullmq is an optional peer,
 * loaded here only). BullMQ keeps each job's state, result and error; its locks and stalled
 * check give a job whose worker died to another worker. Every command this engine sends for a
 * request (add, read, count) fails within `commandTimeoutMs` when Redis is down or paused.
 */
export class BullJobEngine implements JobEngine {
  private readonly bull: typeof import('bullmq');
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly concurrency = new Map<string, number>();
  private readonly workerCounts = new Map<string, { count: number; at: number }>();
  private readonly active = new Set<ActiveRun>();
  private readonly connection: RedisOptions;
  /** One warning per Redis outage, one line when it ends, whichever connection notices it. */
  readonly outage: OutageLog;
  private stopped = false;

  constructor(
    private readonly options: ResolvedJobsOptions,
    private readonly describeError: DescribeJobError,
  ) {
    this.bull = requireOptionalPeer<typeof import('bullmq')>('bullmq', 'jobs.redis');
    this.connection = redisOptions(options.redis!);
    const { host = '127.0.0.1', port = 6379, path } = this.connection;
    // Never the URL: it may hold a password.
    this.outage = new OutageLog(`Redis (jobs) at ${path ?? `${host}:${port}`}`);
    this.outage.consequence = 'job creation and polls answer 503 until it is back';
  }

  async add(queue: string, jobId: string, payload: JobPayload): Promise<void> {
    const { ttlMs, attempts, retryDelayMs } = this.options;
    const age = Math.max(1, Math.ceil(ttlMs / 1000));
    await this.queue(queue).add(queue, payload, {
      jobId,
      attempts,
      backoff: { type: 'exponential', delay: retryDelayMs },
      removeOnComplete: { age },
      removeOnFail: { age },
    });
  }

  async find(jobId: string, queues: readonly string[]): Promise<EngineRecord | undefined> {
    // The state first, then the job: a job that finishes between the two reads is shown as
    // still running (the next poll sees it done), never as done without its result.
    const states = await Promise.all(queues.map((name) => this.queue(name).getJobState(jobId)));
    const index = states.findIndex((state) => STATES[state] !== undefined);
    if (index < 0) return undefined;
    const job = (await this.queue(queues[index]).getJob(jobId)) as Job<JobPayload> | undefined;
    if (!job) return undefined;
    return this.record(queues[index], job, STATES[states[index]]!);
  }

  async load(queue: string): Promise<QueueLoad> {
    const q = this.queue(queue);
    const [waiting, active, workers] = await Promise.all([
      q.getJobCountByTypes(...WAITING),
      q.getActiveCount(),
      this.workersOf(q),
    ]);
    const perWorker = this.concurrency.get(queue) ?? this.options.concurrency;
    return { waiting, active, capacity: workers * perWorker };
  }

  work(queue: string, concurrency: number, handler: JobHandler): void {
    this.concurrency.set(queue, concurrency);
    const { Worker: BullWorker } = this.bull;
    const worker = new BullWorker<JobPayload>(
      queue,
      (job, token) => this.run(job, token, handler),
      {
        // The worker's connections block (BZPOPMIN) and must wait for Redis, not time out.
        connection: { ...this.connection, maxRetriesPerRequest: null },
        prefix: this.options.prefix,
        concurrency,
        lockDuration: this.options.lockDurationMs,
        stalledInterval: this.options.stalledCheckMs,
        maxStalledCount: this.options.maxInterruptions,
      },
    );
    this.listen(worker);
    this.workers.push(worker);
  }

  /** Hands every running job back to the queue (another instance's worker takes it at once). */
  async stopWorking(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const run of this.active) run.controller.abort(new JobHandedBack());
    const closed = Promise.all(this.workers.map((worker) => worker.close().catch(() => undefined)));
    // With Redis down a hand-back cannot be written: stop waiting, the lock lapses by itself
    // and the stalled check gives the job to another instance.
    await withinMs(closed, SHUTDOWN_WAIT_MS);
  }

  async close(): Promise<void> {
    await this.stopWorking();
    await withinMs(
      Promise.all(
        [...this.queues.values()].map((queue) =>
          queue.close().catch(() => queue.disconnect().catch(() => undefined)),
        ),
      ),
      SHUTDOWN_WAIT_MS,
    );
  }

  private async run(job: Job<JobPayload>, token: string | undefined, handler: JobHandler) {
    const controller = new AbortController();
    const active: ActiveRun = { controller };
    const payload = job.data;
    const run: EngineRun = {
      controller,
      payload,
      context: {
        id: String(job.id),
        queueName: job.queueName,
        data: payload.data,
        attemptsMade: job.attemptsMade,
        requestId: payload.requestId,
        signal: controller.signal,
        updateProgress: (progress) => job.updateProgress(progress),
      },
    };
    this.active.add(active);
    try {
      if (this.stopped) throw new JobHandedBack();
      return await handler(run);
    } catch (error) {
      if (error instanceof JobHandedBack) {
        // Back to waiting, its lock released: the next free worker (another instance) takes it.
        await job.moveToWait(token);
        throw new this.bull.WaitingError();
      }
      if (error instanceof JobFailure) {
        // BullMQ keeps the message as the failed reason: the error body, as JSON.
        throw error.final
          ? new this.bull.UnrecoverableError(error.message)
          : new Error(error.message);
      }
      throw error;
    } finally {
      this.active.delete(active);
    }
  }

  private record(queue: string, job: Job<JobPayload>, status: JobState): EngineRecord {
    const payload = job.data;
    const record: EngineRecord = {
      jobId: String(job.id),
      queue,
      status,
      statusUrl: payload.statusUrl,
      createdAt: iso(job.timestamp),
      requestId: payload.requestId,
      attemptsMade: job.attemptsMade,
      location: payload.location,
    };
    if (job.processedOn) record.startedAt = iso(job.processedOn);
    const progress: unknown = job.progress;
    // BullMQ starts every job at progress 0: shown only once the processor reports some.
    if (status === 'running' && progress !== 0 && progress !== null) {
      if (typeof progress === 'number' || typeof progress === 'object') record.progress = progress;
    }
    if (status === 'succeeded' || status === 'failed') {
      if (job.finishedOn) record.finishedAt = iso(job.finishedOn);
    }
    if (status === 'succeeded') record.result = job.returnvalue ?? undefined;
    if (status === 'failed') record.error = this.errorOf(job);
    return record;
  }

  /** The body the processor's error got; BullMQ's own reasons (a stalled job) say interrupted. */
  private errorOf(job: Job<JobPayload>): Record<string, unknown> {
    try {
      const body = JSON.parse(job.failedReason) as unknown;
      if (body !== null && typeof body === 'object') return body as Record<string, unknown>;
    } catch {
      // not ours: BullMQ's "job stalled more than allowable limit"
    }
    return this.describeError(new JobInterruptedError(), job.data);
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new this.bull.Queue(name, {
        // Requests wait for Redis at most commandTimeoutMs, and never for a reconnect.
        connection: {
          ...this.connection,
          commandTimeout: this.options.commandTimeoutMs,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
        },
        prefix: this.options.prefix,
      });
      this.listen(queue);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Live workers of a queue (any instance), reused for a short while. */
  private async workersOf(queue: Queue): Promise<number> {
    const cached = this.workerCounts.get(queue.name);
    if (cached && Date.now() - cached.at < WORKERS_TTL_MS) return cached.count;
    const count = await queue.getWorkersCount();
    this.workerCounts.set(queue.name, { count, at: Date.now() });
    return count;
  }

  /** Errors of every connection go to the one outage log; never an unhandled `error`. */
  private listen(emitter: Queue | Worker): void {
    (emitter as unknown as NodeJS.EventEmitter).on('error', (error: Error) =>
      this.outage.down(error.message),
    );
  }
}

/** ioredis options from a URL or options. */
function redisOptions(connection: string | RedisOptions): RedisOptions {
  if (typeof connection !== 'string') return { ...connection };
  const url = new URL(connection);
  const options: RedisOptions = {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
  };
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db) options.db = Number(db);
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}

/** `promise`, or nothing after `ms`. */
async function withinMs(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([promise.then(() => undefined), late]);
  clearTimeout(timer);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
