/**
 * HTTP-dates (RFC 9110 5.6.7), at the one-second precision HTTP uses.
 * Accepted: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 and asctime forms.
 */
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850 =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Seconds since the epoch of an HTTP-date, or `undefined` when the value is not one. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!IMF_FIXDATE.test(text) && !RFC850.test(text) && !ASCTIME.test(text)) return undefined;
  // asctime carries no zone: it is GMT by definition.
  const ms = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * Seconds since the epoch of what an `@LastModified()` function returned: a `Date`, epoch
 * milliseconds, or a string `Date` can parse. `null`/`undefined` mean "unknown".
 */
export function toEpochSeconds(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number' || typeof value === 'string'
        ? new Date(value).getTime()
        : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new TypeError(
      `@LastModified() returned ${JSON.stringify(String(value))}: return a Date, epoch milliseconds or an ISO date string.`,
    );
  }
  return Math.floor(ms / 1000);
}

/** Seconds since the epoch → IMF-fixdate. */
export function formatHttpDate(seconds: number): string {
  return new Date(seconds * 1000).toUTCString();
}
