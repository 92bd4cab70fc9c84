import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Compiles the sample's TypeScript as the child loads it: never a stale `dist/` build. */
const REGISTER = join(__dirname, 'ts-register.js');

/** Settings of a sample process: its environment on top of ours, and whom it runs as. */
export interface SampleProcessOptions {
  env: NodeJS.ProcessEnv;
  /** Run as this user and group (root only), e.g. to meet a file it may not write. */
  uid?: number;
  gid?: number;
  /** How long it may take to print its URL (default 60 s). */
  startMs?: number;
}

/** A sample API running as its own process, as `npm start` runs it. */
export interface SampleProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stderr so far (for a failing test's message). */
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

function spawnSample(options: SampleProcessOptions): ChildProcess {
  return spawn(process.execPath, ['-r', REGISTER, join(ROOT, 'sample', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', JWT_SECRET: 'test', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });
}

/** Starts the sample and resolves once it prints the URL it listens on. */
export async function startSampleProcess(options: SampleProcessOptions): Promise<SampleProcess> {
  const child = spawnSample(options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const exited = once(child, 'exit');
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const stop = async () => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await kill('SIGTERM');
    clearTimeout(force);
  };
  const startMs = options.startMs ?? 60_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no URL printed within ${startMs} ms`)),
      startMs,
    );
    const onData = () => {
      const match = /http:\/\/[^\s]+/.exec(stdout);
      if (match) finish(undefined, match[0]);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`the sample exited (${code ?? signal}) before listening`));
    function finish(error?: Error, found?: string) {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(new Error(`${error.message}:\n${stdout}${stderr}`));
      else resolve(found as string);
    }
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  }).catch(async (error: unknown) => {
    await kill('SIGKILL');
    throw error;
  });
  return { url, child, stderr: () => stderr, kill, stop };
}

/** Runs the sample until it exits (at most 60 s): its exit code and what it printed. */
export async function runSampleToExit(
  options: SampleProcessOptions,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnSample(options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}
