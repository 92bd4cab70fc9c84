/**
 * A feature was turned on whose optional peer dependency is not installed. Its message is the one
 * line to act on; it carries no stack trace, which would only point into the library.
 */
export class MissingPeerError extends Error {
  override readonly name = 'MissingPeerError';

  /**
   * @param peer The package to install, e.g. `@nestjs/throttler`.
   * @param feature What needs it, as the user spells it: `rateLimit`, `jobs.redis`.
   */
  constructor(peer: string, feature: string) {
    super(`nestjs-status: ${feature} needs ${peer}. Run: npm i ${peer}`);
    // Nest's start-up logger and Node print `stack` (and any own property): the one line only.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/**
 * Loads an optional peer dependency (`ioredis`, `bullmq`, `@nestjs/throttler`) for `feature`, or
 * throws `MissingPeerError`, never Node's bare "Cannot find module" with its require stack. A
 * missing module other than the peer itself (a broken install of it) is thrown as it is.
 *
 * @example
 * const bull = requireOptionalPeer<typeof import('bullmq')>('bullmq', 'jobs.redis');
 */
export function requireOptionalPeer<T>(peer: string, feature: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(peer) as T;
  } catch (error) {
    if (isMissing(error, peer)) throw new MissingPeerError(peer, feature);
    throw error;
  }
}

function isMissing(error: unknown, peer: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${peer}'`)
  );
}
