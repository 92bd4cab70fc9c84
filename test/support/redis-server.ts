import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, createServer } from 'node:net';

/** A Redis the tests may use: its URL, and how to stop it (a no-op for `REDIS_URL`). */
export interface RedisServer {
  url: string;
  stop(): Promise<void>;
  /** SIGSTOP: Redis keeps its connections and data but answers nothing (absent for REDIS_URL). */
  pause?(): void;
  /** SIGCONT after `pause()`. */
  resume?(): void;
  /** SIGKILL: connections drop and refuse until `restart()` (absent for REDIS_URL). */
  kill?(): Promise<void>;
  /** A fresh redis-server on the same port, after `kill()`. */
  restart?(): Promise<void>;
}

const REDIS_BINARY = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';
const INSTALL_HINT = 'apt-get install -y redis-server';

/**
 * `REDIS_URL` when set; otherwise a fresh `redis-server` on a free loopback port, with no
 * persistence (`--save '' --appendonly no`), ready (answers PING) when this resolves.
 */
export async function startRedis(): Promise<RedisServer> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  let lastError: unknown;
  // The port is free when picked but could be taken before redis-server binds it: retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let child = launch(port);
    try {
      await waitForPing(port, child);
      return {
        url: `redis://127.0.0.1:${port}`,
        stop: async () => {
          child.kill('SIGCONT'); // a paused Redis cannot act on SIGTERM
          await stopProcess(child);
        },
        pause: () => child.kill('SIGSTOP'),
        resume: () => child.kill('SIGCONT'),
        kill: async () => {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        },
        restart: async () => {
          child = launch(port);
          await waitForPing(port, child);
        },
      };
    } catch (error) {
      lastError = error;
      await stopProcess(child);
    }
  }
  throw new Error(`redis-server did not start: ${String(lastError)}`);
}

function launch(port: number): ChildProcess {
  return spawn(
    REDIS_BINARY,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** Why Redis cannot be had here, or `undefined` when it can (REDIS_URL, or the binary). */
export function redisUnavailableReason(): string | undefined {
  if (process.env.REDIS_URL) return undefined;
  if (existsSync(REDIS_BINARY)) return undefined;
  return `${REDIS_BINARY} is missing and REDIS_URL is not set`;
}

/**
 * `describe` with a running Redis (`server()` inside tests and hooks). When Redis cannot be had:
 * with `REQUIRE_REDIS=1` the suite FAILS; otherwise it is skipped with a loud warning.
 */
export function describeWithRedis(name: string, body: (server: () => RedisServer) => void): void {
  const reason = redisUnavailableReason();
  if (reason !== undefined) {
    if (process.env.REQUIRE_REDIS === '1') {
      describe(name, () => {
        it('needs Redis (REQUIRE_REDIS=1)', () => {
          throw new Error(`${reason}. Install it: ${INSTALL_HINT}, or set REDIS_URL.`);
        });
      });
      return;
    }
    console.warn(
      `\n!!! SKIPPING "${name}": ${reason}.\n!!! Install it (${INSTALL_HINT}) or set REDIS_URL; ` +
        'set REQUIRE_REDIS=1 to make this a failure.\n',
    );
    describe.skip(name, () => body(() => unavailable(reason)));
    return;
  }
  describe(name, () => {
    let server: RedisServer | undefined;
    beforeAll(async () => {
      server = await startRedis();
    });
    afterAll(async () => {
      await server?.stop();
    });
    // Nested, so that the body's own afterAll hooks (closing clients) run before Redis stops.
    describe('with Redis', () => body(() => server ?? unavailable('Redis has not started')));
  });
}

/** `RedisServer` under the name the rate-limit suites use. */
export type RunningRedis = RedisServer;

/**
 * `describe` when Redis can be had; otherwise `describe.skip` with a loud warning, or, under
 * `REQUIRE_REDIS=1`, a suite that fails. For suites that start Redis themselves (`startRedis()`).
 *
 * @example
 * redisOrSkip()('counters shared through Redis', () => { ... });
 */
export function redisOrSkip(): jest.Describe {
  const reason = redisUnavailableReason();
  if (reason === undefined) return describe;
  if (process.env.REQUIRE_REDIS === '1') {
    const failing = (name: string) =>
      describe(name, () => {
        it('needs Redis (REQUIRE_REDIS=1)', () => {
          throw new Error(`REQUIRE_REDIS=1 but ${reason}. Install it: ${INSTALL_HINT}.`);
        });
      });
    return Object.assign(failing, describe) as unknown as jest.Describe;
  }
  console.warn(
    `\n!!! SKIPPING Redis tests: ${reason}. Install it: ${INSTALL_HINT}, or set REDIS_URL.\n`,
  );
  return describe.skip;
}

function unavailable(reason: string): never {
  throw new Error(reason);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls PING (every 20 ms, at most 5 s) until `+PONG`; fails early if the process exits. */
async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', (error) => {
    exited = true;
    stderr += String(error);
  });
  for (let i = 0; i < 250; i++) {
    if (exited) throw new Error(`redis-server exited: ${stderr.trim()}`);
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 5 s`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += String(chunk);
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A `redis-server` of the test's own, which the test can kill, restart, pause and resume. */
export interface ControlledRedis {
  url: string;
  port: number;
  /** SIGKILL: connections drop, the port refuses. */
  kill(): Promise<void>;
  /** SIGTERM, as an operator stops it: with `persist`, its data is on disk for `restart`. */
  shutDown(): Promise<void>;
  /** A fresh `redis-server` on the same port (after `kill`), ready when this resolves. */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open, nothing answers (like a network partition). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** Ends it (resumed first if paused). */
  stop(): Promise<void>;
}

/**
 * Starts a `redis-server` on `port` (default: a free loopback port), always a new one (never
 * `REDIS_URL`). With `persist`, it keeps its data in an append-only file (synced at every write,
 * in a temporary folder), so that a `restart` after `shutDown` has it back, as a production Redis.
 */
export async function startControlledRedis(
  port?: number,
  options: { persist?: boolean } = {},
): Promise<ControlledRedis> {
  port ??= await freePort();
  const dir = options.persist ? mkdtempSync(join(tmpdir(), 'nestjs-status-redis-')) : undefined;
  let child = await spawnRedis(port, dir);
  let paused = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: async () => {
      if (paused) child.kill('SIGCONT');
      paused = false;
      await killProcess(child);
    },
    shutDown: async () => {
      if (paused) child.kill('SIGCONT');
      paused = false;
      await stopProcess(child);
    },
    restart: async () => {
      child = await spawnRedis(port, dir);
    },
    pause: () => {
      child.kill('SIGSTOP');
      paused = true;
    },
    resume: () => {
      child.kill('SIGCONT');
      paused = false;
    },
    stop: async () => {
      if (paused) child.kill('SIGCONT');
      paused = false;
      await stopProcess(child);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback port on which nothing listens (connections are refused), and its URL. */
export async function closedRedisPort(): Promise<{ port: number; url: string }> {
  const port = await freePort();
  return { port, url: `redis://127.0.0.1:${port}` };
}

async function spawnRedis(port: number, dir?: string): Promise<ChildProcess> {
  const persistence = dir
    ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const child = spawn(
    REDIS_BINARY,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    await waitForPing(port, child);
    return child;
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
