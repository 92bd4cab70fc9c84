/**
 * The child side of the bench's process boundary: a server under test runs in its own process
 * (so the load generator does not share its event loop) and talks to the parent over IPC.
 */

/** What a server child says once it accepts requests. */
export interface ReadyMessage {
  type: 'ready';
  url: string;
  /** Library features this server wired in (see `bench/api/features.ts`). */
  features: string[];
}

/** Memory after a full GC (when the child runs with `--expose-gc`), plus any extra figures. */
export interface MemoryMessage {
  type: 'memory';
  rss: number;
  heapUsed: number;
  extra: Record<string, number>;
}

/** CPU time the child has used so far (`process.cpuUsage()`), microseconds. */
export interface CpuMessage {
  type: 'cpu';
  user: number;
  system: number;
}

type Extra = () => Record<string, number> | Promise<Record<string, number>>;

/**
 * Prints the URL (for a person running the server by hand), tells the parent it is ready, and
 * answers `{ type: 'memory' }` and `{ type: 'cpu' }` requests. Exits when the parent goes away, so no server outlives
 * an interrupted bench.
 */
export function serveParent(url: string, features: string[], extra: Extra = () => ({})): void {
  console.log(`listening on ${url}`);
  if (!process.send) return;
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'cpu') {
      const reply: CpuMessage = { type: 'cpu', ...process.cpuUsage() };
      process.send?.(reply);
      return;
    }
    if (message?.type !== 'memory') return;
    void (async () => {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      const reply: MemoryMessage = { type: 'memory', rss, heapUsed, extra: await extra() };
      process.send?.(reply);
    })();
  });
  process.on('disconnect', () => process.exit(0));
  const ready: ReadyMessage = { type: 'ready', url, features };
  process.send(ready);
}
