import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const REGISTER = join(__dirname, 'ts-register.js');

/** The sample running in a child process of its own, as `npm start` runs it. */
export interface SampleProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr so far (for a failing test's message). */
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `sample/main.ts` in a child process with `env` added to this one's (`PORT=0`: a free
 * port), and resolves once it says where it listens. Fails after `startMs` or if it exits first.
 */
export function spawnSample(env: Record<string, string>, startMs = 60_000): Promise<SampleProcess> {
  const child = spawn(process.execPath, ['-r', REGISTER, join(ROOT, 'sample', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill('SIGKILL');
      reject(new Error(`The sample did not start within ${startMs} ms: ${stderr}`));
    }, startMs);
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], child, stderr: () => stderr, kill });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The sample exited (${code ?? signal}) before listening: ${stderr}`));
    });
  });
}
