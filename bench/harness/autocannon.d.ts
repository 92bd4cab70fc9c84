// The part of autocannon's programmatic API the bench uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    connections?: number;
    pipelining?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    /** Requests per second over all connections. */
    overallRate?: number;
    /** A sequence each connection cycles through. */
    requests?: {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      onResponse?: OnResponse;
    }[];
  }

  /** Called with every answer to a request of `requests`. */
  type OnResponse = (
    status: number,
    body: string,
    context: Record<string, unknown>,
    headers: Record<string, string | undefined>,
  ) => void;

  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    resets: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
    requests: { total: number; average: number; sent: number };
    latency: { p99: number; average: number };
  }

  /** Emits `response` (client, statusCode, bytes, milliseconds) for every answer. */
  interface Instance extends EventEmitter, PromiseLike<Result> {}

  function autocannon(options: Options): Instance;
  export = autocannon;
}
