import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { BUSY_RETRY } from '../../sample/database/busy-retry';
import { REQUEST_ID } from '../support/http-app';
import { RunningSample, SAMPLE_ADAPTERS, startSample } from '../support/sample-app';
import { runSampleToExit, SampleProcess, startSampleProcess } from '../support/sample-process';
import { HeldDatabase, holdExclusiveLock } from '../support/sqlite-locker';

/** A fresh directory for one test's database files, removed afterwards. */
function scratchDirectory(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'sample-db-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  /** `performance.now()` when the whole answer had arrived. */
  at: number;
}

async function send(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
    at: performance.now(),
  };
}

const databaseBusy = {
  error: 'Service Unavailable',
  message: 'The database is busy. Please retry shortly.',
  code: 'DATABASE_BUSY',
  retryAfter: 1,
  requestId: expect.stringMatching(REQUEST_ID),
};

/**
 * A database file another process holds (`BEGIN EXCLUSIVE`): writes are retried without blocking
 * the event loop, then answered 503 + `Retry-After` in the envelope; reads go on meanwhile (WAL).
 */
describe.each(SAMPLE_ADAPTERS)('sample on a database locked by another process, %s', (adapter) => {
  let directory: ReturnType<typeof scratchDirectory>;
  let sample: RunningSample;
  let lock: HeldDatabase | undefined;
  beforeEach(async () => {
    directory = scratchDirectory();
    sample = await startSample(adapter, { databasePath: join(directory.path, 'sample.db') });
    lock = await holdExclusiveLock(sample.config.databasePath);
  });
  afterEach(async () => {
    await lock?.release();
    await sample.close();
    directory.remove();
  });
  // The budget, and a margin for a loaded machine: not 5 s of SQLite's own busy wait.
  const busyBound = BUSY_RETRY.budgetMs + 2000;

  it('a write answers 503 + Retry-After after the retry budget, a read sent meanwhile is answered first, and writes succeed once the lock is gone', async () => {
    const sent = performance.now();
    const writing = send(sample.url, 'PUT', '/api/documents/42', { title: 'Locked out' });
    // Let the write reach the database and start retrying before the read is sent.
    await sleep(200);
    const read = await send(sample.url, 'GET', '/api/documents/42');
    const write = await writing;

    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ title: 'Design notes', version: 5 });
    expect(read.at).toBeLessThan(write.at);
    expect(write.status).toBe(503);
    expect(write.headers.get('retry-after')).toBe('1');
    expect(write.headers.get('x-request-id')).toBe(write.body.requestId);
    expect(write.body).toEqual(databaseBusy);
    expect(write.at - sent).toBeLessThan(busyBound);

    await lock?.release();
    const after = await send(sample.url, 'PUT', '/api/documents/42', { title: 'Written' });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ title: 'Written', version: 6 });
  });

  it('every kind of write answers the same 503 while the lock is held', async () => {
    const answers = await Promise.all([
      send(sample.url, 'POST', '/api/users', { name: 'Ada', email: 'ada@example.com' }),
      send(sample.url, 'PATCH', '/api/documents/42', { body: 'x' }, { 'if-match': '"v5"' }),
      send(sample.url, 'DELETE', '/api/documents/42'),
      send(sample.url, 'POST', '/api/orders/2/cancel'),
    ]);
    for (const answer of answers) {
      expect([answer.status, answer.headers.get('retry-after'), answer.body]).toEqual([
        503,
        '1',
        databaseBusy,
      ]);
    }
    const read = await send(sample.url, 'GET', '/api/users?limit=1');
    expect([read.status, read.headers.get('x-total-count')]).toEqual([200, '2']);
  });
});

/**
 * Two instances, each its own process, on one database file, under concurrent writes to the same
 * rows: contention is absorbed by the retries, so no write fails and none is lost.
 */
describe.each(SAMPLE_ADAPTERS)('two sample processes on one database file, %s', (adapter) => {
  let directory: ReturnType<typeof scratchDirectory>;
  let instances: SampleProcess[] = [];
  beforeAll(async () => {
    directory = scratchDirectory();
    const env = {
      ADAPTER: adapter,
      DATABASE_PATH: join(directory.path, 'shared.db'),
      RATE_LIMIT: '1000000',
    };
    // Started together: their schema creation and seed on the new file contend as well.
    const started = await Promise.allSettled([
      startSampleProcess({ env }),
      startSampleProcess({ env }),
    ]);
    instances = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }, 120_000);
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    directory?.remove();
  }, 30_000);

  it('PUT, PATCH and POST from both at once: no 5xx, and every write is in the final state', async () => {
    const PUTS = 120;
    const PATCHES = 120;
    const POSTS = 100;
    const writes: { kind: 'put' | 'patch' | 'post'; i: number }[] = [];
    for (let i = 0; i < Math.max(PUTS, PATCHES, POSTS); i++) {
      if (i < PUTS) writes.push({ kind: 'put', i });
      if (i < PATCHES) writes.push({ kind: 'patch', i });
      if (i < POSTS) writes.push({ kind: 'post', i });
    }
    const answers: { kind: string; answer: Answer }[] = [];
    let next = 0;
    // 32 writes in flight, alternating between the two instances.
    const worker = async () => {
      while (next < writes.length) {
        const { kind, i } = writes[next];
        const url = instances[next++ % 2].url;
        const answer =
          kind === 'put'
            ? await send(url, 'PUT', '/api/documents/1000', { title: `Put ${i}` })
            : kind === 'patch'
              ? await send(url, 'PATCH', '/api/documents/42', { body: `Patch ${i}` })
              : await send(url, 'POST', '/api/users', {
                  name: `U${i}`,
                  email: `u${i}@example.com`,
                });
        answers.push({ kind, answer });
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));

    const failures = answers.filter(({ answer }) => answer.status >= 500);
    expect(failures.map(({ kind, answer }) => [kind, answer.status, answer.body])).toEqual([]);
    const statuses = (kind: string) =>
      answers.filter((a) => a.kind === kind).map(({ answer }) => answer.status);
    expect(statuses('put').sort()).toEqual([...Array<number>(PUTS - 1).fill(200), 201]);
    expect(statuses('patch')).toEqual(Array<number>(PATCHES).fill(204));
    expect(statuses('post')).toEqual(Array<number>(POSTS).fill(201));

    // Each write made exactly one version: no two answered the same, none went missing.
    const range = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => from + i);
    const tags = (kind: string) =>
      answers
        .filter((a) => a.kind === kind)
        .map(({ answer }) => Number(/^"v(\d+)"$/.exec(answer.headers.get('etag') ?? '')?.[1]))
        .sort((a, b) => a - b);
    expect(tags('put')).toEqual(range(1, PUTS));
    expect(tags('patch')).toEqual(range(6, PATCHES));
    const [put, patched, users] = await Promise.all([
      send(instances[0].url, 'GET', '/api/documents/1000'),
      send(instances[1].url, 'GET', '/api/documents/42'),
      send(instances[0].url, 'GET', '/api/users?limit=1'),
    ]);
    expect(put.body.version).toBe(PUTS);
    expect(patched.body.version).toBe(5 + PATCHES);
    expect(users.headers.get('x-total-count')).toBe(String(2 + POSTS));
  }, 120_000);
});

/** A database the sample cannot write stops the start with one line that says what to do. */
describe('sample start-up on a database it cannot write', () => {
  let directory: ReturnType<typeof scratchDirectory>;
  beforeEach(() => {
    directory = scratchDirectory();
  });
  afterEach(() => directory.remove());
  const prefix = 'The sample API could not start: ';

  it.each(SAMPLE_ADAPTERS)(
    'a read-only file, %s: one line, exit code 1',
    async (adapter) => {
      const file = join(directory.path, 'read-only.db');
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE notes (text TEXT)');
      db.close();
      chmodSync(file, 0o444);
      chmodSync(directory.path, 0o777);
      // Root writes a read-only file anyway: the sample then runs as nobody.
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const { code, stdout, stderr } = await runSampleToExit({
        env: { ADAPTER: adapter, DATABASE_PATH: file },
        ...asNobody,
      });
      expect({ code, stdout, stderr }).toEqual({
        code: 1,
        stdout: '',
        stderr:
          `${prefix}The database "${file}" is read-only (attempt to write a readonly database). ` +
          'Give this process write access to the file and its directory, or point DATABASE_PATH ' +
          'at a file this process may write.\n',
      });
    },
    90_000,
  );

  it('a file in a directory that does not exist: one line, exit code 1', async () => {
    const file = join(directory.path, 'missing', 'sample.db');
    const { code, stdout, stderr } = await runSampleToExit({ env: { DATABASE_PATH: file } });
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `${prefix}The database "${file}" cannot be opened for writing (Cannot open database ` +
        'because the directory does not exist). Check that its directory exists and this ' +
        'process may write there, or point DATABASE_PATH at a file this process may write.\n',
    });
  }, 90_000);
});
