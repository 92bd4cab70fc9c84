import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Where the bench's processes run, and how the report says so. */
export interface Placement {
  /** The CPU list the servers are started on (`taskset -c`), or undefined: wherever the OS puts them. */
  servers?: string;
  /** One sentence for the report. */
  describe: string;
}

/**
 * Keeps the load generator and the servers under test off each other's CPUs: this process (which
 * runs autocannon) on CPU 0 with all its threads, every server on the others. Unpinned on a
 * 2-core machine, the two drift between the cores and share one at times, and a round's CPU per
 * request moved by up to half (measured: rounds from 0.47x to 0.98x in one run); pinned, the
 * same scenario's rounds stayed within a few percent. Needs Linux's `taskset` and 2 CPUs or
 * more; elsewhere, or with `pin: false`, nothing is pinned and the report says so.
 */
export function placeProcesses(pin: boolean): Placement {
  const count = availableParallelism();
  if (!pin) return { describe: 'Processes were not pinned to CPUs (`--no-pin`).' };
  if (process.platform !== 'linux' || count < 2) {
    return { describe: 'Processes were not pinned to CPUs (needs Linux and 2 CPUs or more).' };
  }
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  } catch {
    return { describe: 'Processes were not pinned to CPUs (`taskset` is not available).' };
  }
  const servers = count === 2 ? '1' : `1-${count - 1}`;
  return {
    servers,
    describe: `autocannon runs on CPU 0 and every server on CPU ${servers} (\`taskset\`), so the load generator never takes a server's core.`,
  };
}
