import { withDefaults } from './with-defaults';

/**
 * `StatusModule.forRoot({ shutdown: { ... } })`: how the HTTP server closes when the app does
 * (`app.close()`, or SIGTERM with `app.enableShutdownHooks()`). Every member is optional; the
 * defaults are below. `shutdown: false` leaves the server to Nest and the framework.
 */
export class ShutdownOptions {
  /**
   * How long (ms) the HTTP side of a shutdown may take, exit included: requests under way get
   * this less a tenth (250 ms at most) to finish, then the connections still open are destroyed,
   * half-sent requests included. Set the
   * orchestrator's grace period above it (plus the time your own shutdown hooks take).
   */
  drainMs?: number = 10_000;
  /** `Retry-After` (seconds) of the 503 `SHUTTING_DOWN` answered to requests that arrive meanwhile. */
  retryAfterSeconds?: number = 1;
}

/** The shutdown options with every default filled in. */
export type ResolvedShutdownOptions = Required<ShutdownOptions>;

/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_DRAIN_MS = 2 ** 31 - 1;

/**
 * `{ ...new ShutdownOptions(), ...options }`, ignoring members set to `undefined`. A value that
 * makes no sense fails at start-up, saying which.
 */
export function resolveShutdownOptions(options: ShutdownOptions = {}): ResolvedShutdownOptions {
  const resolved: ResolvedShutdownOptions = withDefaults(ShutdownOptions, options);
  const { drainMs, retryAfterSeconds } = resolved;
  if (!Number.isInteger(drainMs) || drainMs < 0 || drainMs > MAX_DRAIN_MS) {
    throw new TypeError(
      `StatusModule: shutdown.drainMs must be a whole number of milliseconds from 0 to ${MAX_DRAIN_MS}; got ${String(drainMs)}.`,
    );
  }
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1) {
    throw new TypeError(
      `StatusModule: shutdown.retryAfterSeconds must be a whole number of seconds, 1 or more; got ${String(retryAfterSeconds)}.`,
    );
  }
  return resolved;
}
