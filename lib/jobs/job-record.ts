/** Where a job is in its life: `queued` and `running` are pending; `succeeded` and `failed` are final. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

/**
 * What a `JobStore` keeps about one job. Plain JSON, so any store can hold it; every instance
 * behind a load balancer reads the same record and so answers the same status.
 */
export interface JobRecord {
  /** `<idPrefix><random UUID>`, e.g. `rpt-3f1c...`: unguessable, as the status monitor is open. */
  jobId: string;
  status: JobState;
  /** The status monitor's path, as the 202 body gives it. */
  statusUrl: string;
  /** ISO 8601 times. */
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** ISO 8601: a job still pending after this moment counts as failed (timed out). */
  deadline: string;
  /** The request id of the request that started the job; a failure's error body carries it. */
  requestId: string;
  /** The resource the job produced: the monitor answers 303 to it (or 200 naming it). */
  resultUrl?: string;
  /** What the job returned, when it produced no resource with a URL of its own. */
  result?: unknown;
  /** A failed job's error, exactly as an HTTP error body (envelope or RFC 9457 problem). */
  error?: Record<string, unknown>;
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
    typeof record.deadline === 'string'
  );
}

/**
 * The body the status monitor sends for a record: `{ jobId, status, ... }`; pending jobs add
 * `createdAt`/`startedAt`, finished ones `resultUrl` or `result`, or `error`.
 */
export function jobView(record: JobRecord): Record<string, unknown> {
  const view: Record<string, unknown> = { jobId: record.jobId, status: record.status };
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
