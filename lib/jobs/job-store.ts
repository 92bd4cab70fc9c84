import type { JobRecord } from './job-record';

/**
 * Where job state lives. The instance that accepted a job runs it and writes its record here;
 * any instance reads it to answer the status monitor. Two implementations ship:
 * `MemoryJobStore` (one process, the default) and `RedisJobStore` (shared by every instance).
 *
 * @example
 * // A store of your own (a SQL table, DynamoDB, ...):
 * class SqlJobStore implements JobStore {
 *   async save(record: JobRecord, ttlMs: number) { await upsert(record, Date.now() + ttlMs); }
 *   async get(jobId: string) { return (await select(jobId)) ?? undefined; }
 * }
 * StatusModule.forRoot({ jobs: { store: new SqlJobStore() } });
 */
export interface JobStore {
  /** Writes the record (new or updated); it may be forgotten `ttlMs` from now. */
  save(record: JobRecord, ttlMs: number): Promise<void>;
  /** The record, or `undefined` when the job is unknown or its record has expired. */
  get(jobId: string): Promise<JobRecord | undefined>;
  /** Releases connections; called on shutdown for stores the module created itself. */
  close?(): Promise<void>;
}
