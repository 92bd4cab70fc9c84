import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A Redis a test can use: `url` to connect to, `stop()` to end it. */
export interface RunningRedis {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Stops the server this helper started; does nothing for a `REDIS_URL` one. */
  stop(): Promise<void>;
}

const INSTALL_HINT = 'apt-get install -y redis-server';

/**
 * A Redis for one test file: `REDIS_URL` when set (shared: prefix your keys), else a fresh
 * `redis-server` on a free loopback port, without persistence.
 *
 * @example
 * let redis: RunningRedis;
 * beforeAll(async () => (redis = await startRedis()));
 * afterAll(() => redis.stop());
 */
export async function startRedis(): Promise<RunningRedis> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  let lastError: unknown;
  // A free port can be taken between our probe and the server's bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const server = await spawnRedis(port);
      return { url: `redis://127.0.0.1:${port}`, stop: () => stopProcess(server) };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * `describe` when a Redis can be had (`REDIS_URL`, or `redis-server` on the PATH); otherwise
 * `describe.skip` with a loud warning, or, under `REQUIRE_REDIS=1`, a suite that fails.
 *
 * @example
 * redisOrSkip()('counters shared through Redis', () => { ... });
 */
export function redisOrSkip(): jest.Describe {
  if (redisAvailable()) return describe;
  const why = `redis-server is not installed and REDIS_URL is not set (${INSTALL_HINT}).`;
  if (process.env.REQUIRE_REDIS === '1') {
    const failing = (name: string) =>
      describe(name, () => {
        it('needs Redis (REQUIRE_REDIS=1)', () => {
          throw new Error(`REQUIRE_REDIS=1 but ${why}`);
        });
      });
    return Object.assign(failing, describe) as unknown as jest.Describe;
  }
  console.warn(`\n*** SKIPPING Redis tests: ${why} ***\n`);
  return describe.skip;
}

/** Whether `startRedis()` can succeed, decided without starting anything. */
export function redisAvailable(): boolean {
  if (process.env.REDIS_URL) return true;
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

/** Resolves once the server says it accepts connections; rejects if it exits first or stalls. */
function spawnRedis(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} did not start within 10 s:\n${output}`));
    }, 10_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        // Keep draining the log so the server never blocks on a full pipe.
        server.stdout!.removeAllListeners('data').resume();
        resolve(server);
      }
    });
    server.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited with ${code}:\n${output}`));
    });
  });
}

async function stopProcess(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  server.kill('SIGTERM');
  await exited;
}
