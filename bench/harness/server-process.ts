import { ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import type { CpuMessage, MemoryMessage, ReadyMessage } from './child-ipc';

/** A server under test, running in a child process. */
export interface ServerProcess {
  url: string;
  features: Set<string>;
  /** RSS and heap after a full GC in the child (GC only when it runs with `--expose-gc`). */
  memory(): Promise<MemoryMessage>;
  /** CPU time (user + system) the child has used so far, microseconds. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
  /** Ends the process at once (SIGKILL), as a crash would: no shutdown hook runs. */
  kill(): Promise<void>;
}

/**
 * Forks `script` with `args` and waits for its `ready` message. The child's stderr goes to ours;
 * its stdout (the "listening on" line) is dropped.
 */
export async function startServerProcess(
  script: string,
  args: string[],
  options: {
    execArgv?: string[];
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Linux CPU list (`taskset -c`) the server runs on, from its first instruction. */
    cpus?: string;
  } = {},
): Promise<ServerProcess> {
  const execArgv = options.execArgv ?? [];
  // Started through `taskset`, every thread of the child is on `cpus` from the start.
  const placed = options.cpus
    ? { execPath: 'taskset', execArgv: ['-c', options.cpus, process.execPath, ...execArgv] }
    : { execArgv };
  const child = fork(script, args, {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    ...placed,
    env: { ...process.env, ...options.env },
  });
  const ready = await waitFor<ReadyMessage>(
    child,
    (m) => m.type === 'ready',
    options.timeoutMs ?? 30_000,
    `${script} ${args.join(' ')} did not start`,
  ).catch((error: unknown) => {
    // Never leave a server that did not come up running behind the run.
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url: ready.url,
    features: new Set(ready.features),
    async memory() {
      const reply = waitFor<MemoryMessage>(child, (m) => m.type === 'memory', 30_000, 'no memory');
      child.send({ type: 'memory' });
      return reply;
    },
    async cpu() {
      const reply = waitFor<CpuMessage>(child, (m) => m.type === 'cpu', 10_000, 'no cpu');
      child.send({ type: 'cpu' });
      const { user, system } = await reply;
      return user + system;
    },
    stop: () => end(child, 'SIGTERM'),
    kill: () => end(child, 'SIGKILL'),
  };
}

async function end(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

function waitFor<T extends { type: string }>(
  child: ChildProcess,
  accept: (message: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: T) => {
      if (message && accept(message)) finish(undefined, message);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`${what}: the process exited (${code})`));
    function finish(error?: Error, message?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
