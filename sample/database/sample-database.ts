import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
import { BUSY_RETRY, BusyRetryOptions, retryWhileBusy } from './busy-retry';
import { DatabaseUnusable } from './database.errors';
import { SCHEMA } from './schema';

/** `2026-02-10T12:00:00Z`: the guide's timestamps, to the second. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `scrypt$salt$hash`, for the seed users' passwords. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

export function verifyPassword(password: string, stored: string | null | undefined): boolean {
  const [scheme, salt, hash] = (stored ?? '').split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

/** A piece of database work: synchronous, as every better-sqlite3 call is. */
export type DatabaseWork<T> = (db: Database.Database) => T;

/**
 * How long the start-up may wait, blocking, for a database another process holds: nothing is
 * served yet, and two instances started together must not fail on each other's schema creation.
 */
const STARTUP_BUSY_TIMEOUT_MS = 5000;

/**
 * The sample's SQLite database (better-sqlite3): `:memory:` by default, or a file. The schema is
 * created and, when the database is empty, the seed of sample-api.md inserted.
 *
 * Once open, a busy database never blocks the event loop: SQLite's own busy wait (a synchronous
 * sleep in better-sqlite3) is off, and `read`/`write` retry busy attempts with async pauses,
 * then answer 503 (`DatabaseBusy`). A file database runs in WAL mode, so reads do not wait for a
 * writer, and every write is one `BEGIN IMMEDIATE` transaction: it takes the write lock before
 * reading, so it never fails half-way because another writer got in between its read and its write.
 */
export class SampleDatabase {
  readonly db: Database.Database;

  /** Opens `path`; a database this process cannot write is a `DatabaseUnusable` saying why. */
  constructor(
    path = ':memory:',
    private readonly retry: BusyRetryOptions = BUSY_RETRY,
  ) {
    this.db = open(path);
  }

  /** Runs `work` (reads only), retried while the database is busy. */
  read<T>(work: DatabaseWork<T>): Promise<T> {
    return retryWhileBusy(() => work(this.db), this.retry);
  }

  /**
   * Runs `work` in one immediate transaction (all of it or none of it), retried whole while the
   * database is busy; an error `work` throws rolls it back.
   */
  write<T>(work: DatabaseWork<T>): Promise<T> {
    const transaction = this.db.transaction(work);
    return retryWhileBusy(() => transaction.immediate(this.db), this.retry);
  }

  close(): void {
    this.db.close();
  }
}

function open(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: STARTUP_BUSY_TIMEOUT_MS });
    const opened = db;
    // Readers of a WAL database do not wait for its writer (and it persists in the file).
    if (!opened.memory) opened.pragma('journal_mode = WAL');
    opened.pragma('foreign_keys = ON');
    opened
      .transaction(() => {
        opened.exec(SCHEMA);
        seed(opened);
        // A write every start makes: a read-only file opens without complaint, and would
        // otherwise fail only at the first request that writes.
        const version = opened.pragma('user_version', { simple: true }) as number;
        opened.pragma(`user_version = ${version}`);
      })
      .immediate();
    // From now on a busy database fails at once (SQLITE_BUSY) and `retryWhileBusy` waits, async.
    opened.pragma('busy_timeout = 0');
    return opened;
  } catch (error) {
    db?.close();
    throw new DatabaseUnusable(path, error);
  }
}

function seed(db: Database.Database): void {
  const { count } = db.prepare('SELECT COUNT(*) AS count FROM users').get() as {
    count: number;
  };
  if (count > 0) return;
  const now = timestamp();
  const insertUser = db.prepare(
    `INSERT INTO users (id, name, email, role, password_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  insertUser.run(
    1,
    'Admin',
    'admin@example.com',
    'admin',
    hashPassword('admin-password'),
    now,
    now,
  );
  insertUser.run(
    2,
    'Grace Hopper',
    'grace@example.com',
    'user',
    hashPassword('grace-password'),
    now,
    now,
  );
  db.prepare(
    'INSERT INTO documents (id, title, body, version, updated_at) VALUES (?, ?, ?, ?, ?)',
  ).run(42, 'Design notes', 'How the status codes are chosen.', 5, now);
  const insertOrder = db.prepare('INSERT INTO orders (id, status) VALUES (?, ?)');
  insertOrder.run(1, 'shipped');
  insertOrder.run(2, 'pending');
  const insertRepo = db.prepare(
    'INSERT INTO repos (id, name, private, owner_id) VALUES (?, ?, ?, ?)',
  );
  insertRepo.run(1, 'status-codes', 0, 1);
  insertRepo.run(2, 'secret-plans', 1, 1);
}
