import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** A SQLite file held by another process; `release()` commits, and waits for it to exit. */
export interface HeldDatabase {
  release(): Promise<void>;
}

/**
 * Another process (plain node and better-sqlite3) opens `file` and holds `BEGIN EXCLUSIVE` on it
 * until released: no one else can write it. Resolves once the lock is held.
 */
export async function holdExclusiveLock(file: string): Promise<HeldDatabase> {
  const code = `
    const Database = require(require.resolve('better-sqlite3', { paths: [process.cwd()] }));
    const db = new Database(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['-e', code, file], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
  await new Promise<void>((done, fail) => {
    const check = () => {
      if (output.includes('locked\n')) {
        child.off('exit', onExit);
        done();
      }
    };
    const onExit = (exitCode: number | null) =>
      fail(new Error(`the locking process exited (${exitCode}): ${output}`));
    child.stdout.on('data', check);
    child.once('exit', onExit);
  });
  return {
    async release() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.write('release\n');
      await exited;
    },
  };
}
