/** Where a job is in its life: `queued` and `running` are pending; `succeeded` and `failed` are final. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

/**
 * What the monitor knows about one job, read from the engine's own state (BullMQ's job hash, or
 * memory). Plain JSON; every instance reads the same and so answers the same.
 */
export interface JobRecord {
  /** `<idPrefix><random UUID>`, e.g. `rpt-3f1c...`: unguessable, as the status monitor is open. */
  jobId: string;
  /** The queue the job is on. */
  queue: string;
  status: JobState;
  /** The status monitor's path, as the 202 body gives it. */
  statusUrl: string;
  /** ISO 8601 times. `startedAt` is the start of the latest run. */
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** The request id of the request that accepted the job; a failure's error body carries it. */
  requestId: string;
  /** Runs that failed or were cut short so far. */
  attemptsMade: number;
  /** What the processor last reported with `job.updateProgress()`, while it runs. */
  progress?: number | object;
  /** The resource the job produced: the monitor answers 303 to it (or 200 naming it). */
  resultUrl?: string;
  /** What the job returned, when it produced no resource with a URL of its own. */
  result?: unknown;
  /** A failed job's error, exactly as an HTTP error body (envelope or RFC 9457 problem). */
  error?: Record<string, unknown>;
}

/** The record of a job just added: `queued`, no run yet. */
export function queuedRecord(
  jobId: string,
  queue: string,
  payload: { statusUrl: string; requestId: string },
): JobRecord {
  return {
    jobId,
    queue,
    status: 'queued',
    statusUrl: payload.statusUrl,
    createdAt: new Date().toISOString(),
    requestId: payload.requestId,
    attemptsMade: 0,
  };
}

/** True while the job has not finished. */
export function isPending(record: Pick<JobRecord, 'status'>): boolean {
  return record.status === 'queued' || record.status === 'running';
}

/** True for something that looks like a `JobRecord` (what a `@JobStatus` handler must return). */
export function isJobRecord(value: unknown): value is JobRecord {
  const record = value as Partial<JobRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.jobId === 'string' &&
    typeof record.status === 'string' &&
    typeof record.statusUrl === 'string'
  );
}

/**
 * The body the status monitor sends for a record: `{ jobId, status, ... }`; pending jobs add
 * `progress` (when reported) and `createdAt`/`startedAt`, finished ones `resultUrl` or `result`,
 * or `error`.
 */
export function jobView(record: JobRecord): Record<string, unknown> {
  const view: Record<string, unknown> = { jobId: record.jobId, status: record.status };
  if (record.status === 'running' && record.progress !== undefined) view.progress = record.progress;
  if (record.status === 'succeeded') {
    if (record.resultUrl !== undefined) view.resultUrl = record.resultUrl;
    else if (record.result !== undefined) view.result = record.result;
  }
  if (record.status === 'failed') view.error = record.error;
  view.createdAt = record.createdAt;
  if (record.startedAt !== undefined) view.startedAt = record.startedAt;
  if (record.finishedAt !== undefined) view.finishedAt = record.finishedAt;
  return view;
}
