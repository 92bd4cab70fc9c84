import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';

/**
 * A `redis-server` the soak can stop and start again on the same port, with its data kept on disk
 * between runs (append-only file, as a production Redis keeps it), so that what was written before
 * an outage is there after it.
 */
export class RedisProcess {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'nestjs-status-soak-redis-'));

  private constructor(
    readonly port: number,
    private readonly binary: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts a persistent Redis on a free loopback port. */
  static async start(binary = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server') {
    const redis = new RedisProcess(await freePort(), binary);
    await redis.resume();
    return redis;
  }

  /** Starts (again) on the same port and data directory; resolves once it answers PING. */
  async resume(): Promise<void> {
    this.child = spawn(
      this.binary,
      [
        ...['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir],
        ...['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''],
      ],
      { stdio: 'ignore' },
    );
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    try {
      for (let i = 0; i < 250; i++) {
        if (this.child.exitCode !== null) throw new Error('redis-server exited at start');
        const pong = await client
          .connect()
          .then(() => client.ping())
          .catch(() => undefined);
        if (pong === 'PONG') return;
        client.disconnect();
        await sleep(20);
      }
      throw new Error(`redis-server on port ${this.port} did not answer PING within 5 s`);
    } finally {
      client.disconnect();
    }
  }

  /** Stops the server the way an operator (or a crash of the host) would: SIGTERM, then wait. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  /** Stops the server and removes its data. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
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
