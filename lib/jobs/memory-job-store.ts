import { isPending, type JobRecord } from './job-record';

/** Options of `MemoryJobStore`. */
export interface MemoryJobStoreOptions {
  /** Most records kept; past it the least recently written finished record goes first. */
  maxEntries?: number;
  /** The clock, in ms since the epoch (tests pass a fake one). */
  now?: () => number;
}

interface Entry {
  json: string;
  expiresAt: number;
  pending: boolean;
}

/**
 * The memory engine's records: a `Map` in this process, bounded by `maxEntries` and with a
 * TTL per record, so it cannot grow without limit. Only this instance sees it.
 */
export class MemoryJobStore {
  // A Map iterates in insertion order; re-inserting on every write keeps the least recently
  // written record first, which is where eviction and expiry look.
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryJobStoreOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  /** How many records are held (expired ones included until swept). */
  get size(): number {
    return this.entries.size;
  }

  async save(record: JobRecord, ttlMs: number): Promise<void> {
    const now = this.now();
    // Stored as JSON, like any shared store would: callers never share a mutable object.
    const entry = {
      json: JSON.stringify(record),
      expiresAt: now + ttlMs,
      pending: isPending(record),
    };
    this.entries.delete(record.jobId);
    this.entries.set(record.jobId, entry);
    this.sweep(now);
    while (this.entries.size > this.maxEntries) this.evictOne();
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const entry = this.entries.get(jobId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(jobId);
      return undefined;
    }
    return JSON.parse(entry.json) as JobRecord;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Drops expired records from the front; stops at the first live finished one. */
  private sweep(now: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(id);
      // Finished records share one TTL, so past a live one the rest live too; pending ones
      // (whose TTL runs from their deadline) are stepped over.
      else if (!entry.pending) return;
    }
  }

  /** The least recently written finished record, else (all pending) the least recent one. */
  private evictOne(): void {
    for (const [id, entry] of this.entries) {
      if (!entry.pending) {
        this.entries.delete(id);
        return;
      }
    }
    const oldest = this.entries.keys().next();
    if (!oldest.done) this.entries.delete(oldest.value);
  }
}
