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
  let best = outcomes[0];
  for (let i = 1; i < outcomes.length; i++) {
    const next = outcomes[i];
    if (best.isBlocked !== next.isBlocked) {
      if (next.isBlocked) best = next;
      continue;
    }
    const a = remaining(best);
    const b = remaining(next);
    if (a !== b) {
      if (b < a) best = next;
    } else if (secondsToReset(next) > secondsToReset(best)) best = next;
  }
  return best;
}

/**
 * Seconds for `Retry-After` on a 429: the latest reset among the throttlers with nothing left,
 * so `Retry-After` never points earlier than a reset the client would still run into.
 */
export function retryAfterSeconds(outcomes: readonly ThrottleOutcome[]): number {
  let seconds = 1;
  for (const outcome of outcomes) {
    if (remaining(outcome) === 0) seconds = Math.max(seconds, secondsToReset(outcome));
  }
  return seconds;
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
  const blocked = shown.isBlocked; // the tightest is a blocked one whenever one is
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
