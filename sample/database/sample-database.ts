import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import Database from 'better-sqlite3';
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

/**
 * The sample's SQLite database (better-sqlite3): `:memory:` by default, or a file. The schema is
 * created and, when the database is empty, the seed of sample-api.md inserted.
 */
export class SampleDatabase {
  readonly db: Database.Database;

  constructor(path = ':memory:') {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.seed();
  }

  private seed(): void {
    const { count } = this.db.prepare('SELECT COUNT(*) AS count FROM users').get() as {
      count: number;
    };
    if (count > 0) return;
    const now = timestamp();
    const insertUser = this.db.prepare(
      `INSERT INTO users (id, name, email, role, password_hash, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
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
      this.db
        .prepare(
          'INSERT INTO documents (id, title, body, version, updated_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(42, 'Design notes', 'How the status codes are chosen.', 5, now);
      const insertOrder = this.db.prepare('INSERT INTO orders (id, status) VALUES (?, ?)');
      insertOrder.run(1, 'shipped');
      insertOrder.run(2, 'pending');
      const insertRepo = this.db.prepare(
        'INSERT INTO repos (id, name, private, owner_id) VALUES (?, ?, ?, ?)',
      );
      insertRepo.run(1, 'status-codes', 0, 1);
      insertRepo.run(2, 'secret-plans', 1, 1);
    })();
  }

  close(): void {
    this.db.close();
  }
}
