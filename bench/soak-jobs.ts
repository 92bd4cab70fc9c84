import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { reportBodies } from './soak-traffic';

/** How the report jobs of a soak went. */
export interface JobTally {
  /** `POST /api/reports` sent, and how they were answered (0: refused, no server listening). */
  submitted: number;
  submitStatuses: Record<number, number>;
  accepted: number;
  succeeded: number;
  failed: number;
  /** Failed jobs by their error's `code`. */
  failedByCode: Record<string, number>;
  /** The monitor said 404 before the job ended: lost. */
  lost: number;
  /** Still pending when the soak stopped waiting. */
  unfinished: number;
  /** Submissions and polls left unanswered for `ANSWER_TIMEOUT_MS`: a hang. */
  hung: number;
}

/** Longer than any answer the sample should take, dependency down or not. */
const ANSWER_TIMEOUT_MS = 5_000;

/** Told of every answer (submission or poll) with its status, body and `Retry-After`. */
export type AnswerListener = (status: number, body: string, retryAfter: unknown) => void;

/**
 * Sends report jobs at a steady rate and follows every accepted one on its monitor until it
 * succeeds (303) or fails (200 `failed`). Submissions go to `submitTo()` and polls to `pollAt()`,
 * asked afresh each time, so that the fault phase can spread jobs over instances and follow them
 * through another.
 */
export class JobFollower {
  readonly tally: JobTally = {
    submitted: 0,
    submitStatuses: {},
    accepted: 0,
    succeeded: 0,
    failed: 0,
    failedByCode: {},
    lost: 0,
    unfinished: 0,
    hung: 0,
  };
  readonly statuses: Record<number, number> = {};
  private readonly due: { url: string; at: number }[] = [];
  /**
   * Jobs (127.0.0.2) and monitor polls (127.0.0.3) come from loopback addresses of their own, so
   * each is a client of its own for the rate limit, under it: the mix's 429s do not fall on them.
   */
  private readonly submitter = new Agent({
    localAddress: '127.0.0.2',
    headersTimeout: ANSWER_TIMEOUT_MS,
  });
  private readonly poller = new Agent({
    localAddress: '127.0.0.3',
    headersTimeout: ANSWER_TIMEOUT_MS,
  });
  private active = 0;
  private stopped = false;

  constructor(
    private readonly submitTo: () => string,
    private readonly pollAt: () => string,
    private readonly reportDelayMs: number,
    private readonly onAnswer: AnswerListener = () => {},
  ) {}

  /** `perSecond` `POST /api/reports` a second for `seconds`, each answer read. */
  async submit(perSecond: number, seconds: number): Promise<void> {
    const t0 = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < perSecond * seconds; i++) {
      await sleep(t0 + (i * 1000) / perSecond - Date.now());
      const sent = this.submitOne(reportBodies[i % reportBodies.length]);
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
    }
    await Promise.all(inFlight);
  }

  private async submitOne(body: string): Promise<void> {
    this.tally.submitted++;
    try {
      const response = await request(this.submitTo() + '/api/reports', {
        dispatcher: this.submitter,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await response.body.text();
      const status = response.statusCode;
      this.onAnswer(status, text, response.headers['retry-after']);
      this.tally.submitStatuses[status] = (this.tally.submitStatuses[status] ?? 0) + 1;
      if (status !== 202) return;
      this.tally.accepted++;
      const { statusUrl } = JSON.parse(text) as { statusUrl: string };
      this.schedule({ url: statusUrl, at: Date.now() + this.reportDelayMs + 50 });
    } catch (error) {
      if (hung(error)) this.tally.hung++;
      else this.tally.submitStatuses[0] = (this.tally.submitStatuses[0] ?? 0) + 1;
    }
  }

  get pending(): number {
    return this.due.length + this.active;
  }

  /** Polls due jobs, at most 8 at a time, until `stop()`. */
  async run(): Promise<void> {
    while (!this.stopped) {
      const now = Date.now();
      while (this.active < 8 && this.due.length > 0 && this.due[0].at <= now) {
        const job = this.due.shift()!;
        this.active++;
        void this.poll(job.url).finally(() => this.active--);
      }
      await sleep(20);
    }
  }

  stop(): void {
    this.stopped = true;
    this.tally.unfinished = this.pending;
  }

  async close(): Promise<void> {
    await Promise.all([this.submitter.close(), this.poller.close()]);
  }

  private async poll(url: string): Promise<void> {
    const again = (ms: number) => this.schedule({ url, at: Date.now() + ms });
    try {
      const response = await request(this.pollAt() + url, {
        method: 'GET',
        dispatcher: this.poller,
      });
      const text = await response.body.text();
      const status = response.statusCode;
      this.onAnswer(status, text, response.headers['retry-after']);
      this.statuses[status] = (this.statuses[status] ?? 0) + 1;
      if (status === 303) this.tally.succeeded++;
      else if (status === 404) this.tally.lost++;
      else if (status === 200 && JSON.parse(text).status === 'failed') this.failed(text);
      else again(status === 429 ? 500 : 1000); // pending, rate limited, or unavailable
    } catch (error) {
      if (hung(error)) this.tally.hung++;
      again(1000);
    }
  }

  private failed(text: string): void {
    this.tally.failed++;
    const { error } = JSON.parse(text) as { error?: { code?: string } };
    const code = error?.code ?? 'no code';
    this.tally.failedByCode[code] = (this.tally.failedByCode[code] ?? 0) + 1;
  }

  private schedule(job: { url: string; at: number }): void {
    // Kept in order of `at`: retries go after what is already due.
    let i = this.due.length;
    while (i > 0 && this.due[i - 1].at > job.at) i--;
    this.due.splice(i, 0, job);
  }
}

function hung(error: unknown): boolean {
  return (error as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT';
}
