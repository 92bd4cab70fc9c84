// Its own file: `nestjs-status/rate-limit` exports it, and its types must not need the peer.
/**
 * Stands for every request no route matches (unknown paths, wrong methods): they are counted
 * with the throttlers' own limits, under one key per client, as if they were one route.
 */
export class UnmatchedRequests {
  /** Never called: its class and name are what the throttler's keys and `skipIf` see. */
  unmatched(): void {}
}
