import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { DatabaseBusy } from '../../sample/database/database.errors';
import { SampleDatabase } from '../../sample/database/sample-database';

/** `SampleDatabase` on a file, with a second connection (as another instance would be) in the way. */
describe('SampleDatabase on a file another connection writes', () => {
  let directory: string;
  let database: SampleDatabase;
  let other: Database.Database;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'sample-database-'));
    const file = join(directory, 'sample.db');
    database = new SampleDatabase(file, { budgetMs: 300, firstPauseMs: 4, maxPauseMs: 50 });
    other = new Database(file);
  });
  afterEach(() => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
    database.close();
    rmSync(directory, { recursive: true, force: true });
  });
  const bump = (db: Database.Database) =>
    db.prepare('UPDATE documents SET version = version + 1 WHERE id = 42 RETURNING version').get();

  it('runs in WAL mode, with no synchronous busy wait', () => {
    expect(database.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.db.pragma('busy_timeout', { simple: true })).toBe(0);
  });

  it('takes the write lock before its work runs (BEGIN IMMEDIATE): the work runs once, after the other writer', async () => {
    other.exec('BEGIN IMMEDIATE');
    const work = jest.fn(bump);
    const writing = database.write(work);
    await sleep(60);
    expect(work).not.toHaveBeenCalled();
    other.exec('COMMIT');
    await expect(writing).resolves.toEqual({ version: 6 });
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('reads while another connection holds the write lock', async () => {
    other.exec('BEGIN EXCLUSIVE');
    await expect(
      database.read((db) => db.prepare('SELECT version FROM documents WHERE id = 42').get()),
    ).resolves.toEqual({ version: 5 });
  });

  it('gives up with DatabaseBusy (503, Retry-After 1) once the retry budget is spent, having written nothing', async () => {
    other.exec('BEGIN IMMEDIATE');
    const error = await database.write(bump).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabaseBusy);
    expect(error).toMatchObject({
      status: 503,
      code: 'DATABASE_BUSY',
      headers: { 'Retry-After': '1' },
      cause: expect.objectContaining({ code: 'SQLITE_BUSY' }),
    });
    other.exec('ROLLBACK');
    expect(database.db.prepare('SELECT version FROM documents WHERE id = 42').get()).toEqual({
      version: 5,
    });
  });

  it('does not retry an error that is not a busy database', async () => {
    const work = jest.fn(() => {
      throw new Error('not busy');
    });
    await expect(database.write(work)).rejects.toThrow('not busy');
    expect(work).toHaveBeenCalledTimes(1);
  });
});
