/** One throttler's count for one request, as the storage returned it. */
export interface ThrottleOutcome {
  /** Throttler name (`default` when unnamed). */
  name: string;
  limit: number;
  /** Window in milliseconds. */
  ttl: number;
  totalHits: number;
  /** Seconds until the window resets. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until the block ends (when blocked). */
  timeToBlockExpire: number;
}

/** How the headers are written. */
export interface RateLimitHeaderFormat {
  resetFormat: 'epoch' | 'seconds';
  ietfHeaders: boolean;
}

/** Seconds until a request would count again under this throttler. */
export function secondsToReset(outcome: ThrottleOutcome): number {
  if (!outcome.isBlocked) return Math.max(0, Math.ceil(outcome.timeToExpire));
  return Math.max(1, Math.ceil(outcome.timeToBlockExpire), Math.ceil(outcome.timeToExpire));
}

function remaining(outcome: ThrottleOutcome): number {
  return outcome.isBlocked ? 0 : Math.max(0, outcome.limit - outcome.totalHits);
}

/**
 * The throttler the `X-RateLimit-*` headers speak of: the one that blocked, else the one with
 * the fewest requests left (the later reset on a tie) — the one the client will hit first.
 */
export function tightest(outcomes: readonly ThrottleOutcome[]): ThrottleOutcome {
  return outcomes.reduce((best, next) => {
    if (best.isBlocked !== next.isBlocked) return best.isBlocked ? best : next;
    const [a, b] = [remaining(best), remaining(next)];
    if (a !== b) return a < b ? best : next;
    return secondsToReset(next) > secondsToReset(best) ? next : best;
  });
}

/**
 * Seconds for `Retry-After` on a 429: the latest reset among the throttlers with nothing left,
 * so `Retry-After` never points earlier than a reset the client would still run into.
 */
export function retryAfterSeconds(outcomes: readonly ThrottleOutcome[]): number {
  const exhausted = outcomes.filter((outcome) => remaining(outcome) === 0);
  return Math.max(1, ...exhausted.map(secondsToReset));
}

/**
 * `X-RateLimit-Limit/-Remaining/-Reset` for the tightest throttler (never suffixed with a
 * throttler name), and with `ietfHeaders` the draft-10 `RateLimit-Policy: "name";q=;w=` and
 * `RateLimit: "name";r=;t=` listing every throttler.
 */
export function rateLimitHeaders(
  outcomes: readonly ThrottleOutcome[],
  format: RateLimitHeaderFormat,
  nowMs: number,
): Record<string, string> {
  if (outcomes.length === 0) return {};
  const shown = tightest(outcomes);
  const blocked = outcomes.some((outcome) => outcome.isBlocked);
  // On a 429 the reset is when the client may come back, the same instant as Retry-After.
  const reset = blocked ? retryAfterSeconds(outcomes) : secondsToReset(shown);
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(shown.limit),
    'X-RateLimit-Remaining': String(remaining(shown)),
    'X-RateLimit-Reset': String(
      format.resetFormat === 'seconds' ? reset : Math.floor(nowMs / 1000) + reset,
    ),
  };
  if (format.ietfHeaders) {
    headers['RateLimit-Policy'] = outcomes
      .map((o) => `${sfString(o.name)};q=${o.limit};w=${Math.max(1, Math.ceil(o.ttl / 1000))}`)
      .join(', ');
    headers.RateLimit = outcomes
      .map((o) => `${sfString(o.name)};r=${remaining(o)};t=${secondsToReset(o)}`)
      .join(', ');
  }
  return headers;
}

/** An RFC 9651 sf-string: printable ASCII, `"` and `\` escaped. */
function sfString(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '\\$&')}"`;
}
