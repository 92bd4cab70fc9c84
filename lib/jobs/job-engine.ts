import type { OutageLog } from '../platform/outage-log';
import type { JobContext } from './job-context';
import type { JobRecord } from './job-record';

/** What is stored with a job besides its input: what the monitor needs to answer for it. */
export interface JobPayload {
  /** The processor's input (JSON). */
  data: unknown;
  statusUrl: string;
  requestId: string;
  /** Template of the result's URL (`'/api/reports/:id'`), from `@Async(queue, { location })`. */
  location?: string;
}

/** A record as an engine reads it, with the location template the runner turns into `resultUrl`. */
export type EngineRecord = JobRecord & { location?: string };

/** The state of a queue the admission estimate needs. */
export interface QueueLoad {
  /** Jobs waiting to start (retries included). */
  waiting: number;
  /** Jobs running now. */
  active: number;
  /** Jobs that can run at once across every live worker (0: none known). */
  capacity: number;
}

/** Thrown by a handler: the run failed with this HTTP error body; `final` means no retry. */
export class JobFailure extends Error {
  constructor(
    readonly body: Record<string, unknown>,
    readonly final: boolean,
  ) {
    super(JSON.stringify(body));
    this.name = 'JobFailure';
  }
}

/** Thrown by a handler whose run was stopped by shutdown: the engine hands the job back. */
export class JobHandedBack extends Error {
  constructor() {
    super('The instance is shutting down; the job is handed back to the queue.');
    this.name = 'JobHandedBack';
  }
}

/** One run as the engine hands it to the runner. */
export interface EngineRun {
  context: JobContext;
  /** Aborting it aborts `context.signal`; the engine aborts with `JobHandedBack` on shutdown. */
  controller: AbortController;
  payload: JobPayload;
}

/** Runs one job; resolves to its result, or throws `JobFailure` / `JobHandedBack`. */
export type JobHandler = (run: EngineRun) => Promise<unknown>;

/** The error body a failed job is kept with (exactly what an HTTP error would carry). */
export type DescribeJobError = (error: unknown, payload: JobPayload) => Record<string, unknown>;

/**
 * Internal: what runs accepted work. `MemoryJobEngine` (one process) and `BullJobEngine`
 * (BullMQ on Redis) keep the same contract, so `@Async`, processors and the monitor are the same.
 */
export interface JobEngine {
  /** Told of the engine's outages (BullMQ: Redis), so that each is logged once; none in memory. */
  readonly outage?: OutageLog;
  /** Adds a job, `queued`; resolves once every instance can read it. */
  add(queue: string, jobId: string, payload: JobPayload): Promise<void>;
  /** The job's record from the engine's own state, or `undefined`. */
  find(jobId: string, queues: readonly string[]): Promise<EngineRecord | undefined>;
  /** What the admission estimate needs about a queue. */
  load(queue: string): Promise<QueueLoad>;
  /** Starts this instance's worker for a queue. */
  work(queue: string, concurrency: number, handler: JobHandler): void;
  /** Takes no more work and hands running jobs back (or marks them interrupted). */
  stopWorking(): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
