import autocannon from 'autocannon';
import { request as undiciRequest } from 'undici';

/** One kind of request, repeated by every connection for the whole run. */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What one run measured. */
export interface LoadResult {
  /** Completed responses per second. */
  rps: number;
  /** 99th percentile latency, milliseconds (exact, from every response's own timing). */
  p99: number;
  /** Responses by status code. */
  statuses: Record<number, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

export interface LoadOptions {
  /** Seconds. */
  duration: number;
  connections: number;
}

/**
 * Drives `request` at `baseUrl` with autocannon for `duration` seconds. Latency is taken from the
 * `response` events (fractional milliseconds) rather than autocannon's histogram, which keeps
 * whole milliseconds only and would round loopback p99s to 1, 2 or 3.
 */
export async function drive(
  baseUrl: string,
  request: LoadRequest,
  options: LoadOptions,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: baseUrl + request.path,
    method: request.method,
    headers: request.headers,
    body: request.body,
    connections: options.connections,
    pipelining: 1,
    duration: options.duration,
    timeout: 10,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const result = await instance;
  const statuses: Record<number, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats))
    statuses[Number(code)] = count;
  return {
    rps: result.requests.total / result.duration,
    p99: percentile(latencies, 0.99),
    statuses,
    errors: result.errors,
  };
}

/** The `q` quantile (nearest rank) of `values`; `NaN` when there are none. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** The median of `values` (the mean of the middle two when even); `NaN` when there are none. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * One request, as autocannon sends it: no fetch semantics (fetch adds `Cache-Control: no-cache`
 * to a conditional request, which makes Express ignore `If-None-Match`).
 */
export async function once(
  baseUrl: string,
  request: LoadRequest,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const response = await undiciRequest(baseUrl + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  await response.body.dump();
  return { status: response.statusCode, headers: response.headers };
}
