import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Compiles the project's TypeScript as the child loads it: never a stale `dist/` build. */
const REGISTER = resolve(__dirname, 'ts-register.js');

/** A TypeScript script running in a child Node process, with what it printed so far. */
export interface TsChild {
  child: ChildProcess;
  /** Everything the child wrote to stdout. */
  output(): string;
  /** Resolves with the first match of `pattern` in stdout (waits for it, at most `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The child's exit, or `undefined` when it has not exited within `timeoutMs`. */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: string | null } | undefined>;
  /** SIGKILLs the child if it still runs. */
  kill(): Promise<void>;
}

/** Starts `node <script>` with `env` added, the script compiled from TypeScript as it loads. */
export function startTsChild(script: string, env: Record<string, string>): TsChild {
  const child = spawn(process.execPath, ['-r', REGISTER, resolve(script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = once(child, 'exit').then(([code, signal]) => ({ code, signal }));
  return {
    child,
    output: () => stdout,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolvePromise, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (!match) return false;
          cleanup();
          resolvePromise(match);
          return true;
        };
        const cleanup = () => {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          child.off('exit', onExit);
        };
        const onExit = () => {
          if (check()) return;
          cleanup();
          reject(new Error(`the child exited before printing ${pattern}:\n${stdout}${stderr}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`the child did not print ${pattern} in ${timeoutMs} ms:\n${stdout}${stderr}`),
          );
        }, timeoutMs);
        if (check()) return;
        child.stdout!.on('data', check);
        child.on('exit', onExit);
      });
    },
    async exited(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>(
        (r) => (timer = setTimeout(() => r(undefined), timeoutMs)),
      );
      try {
        return await Promise.race([exit, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exit;
    },
  };
}
