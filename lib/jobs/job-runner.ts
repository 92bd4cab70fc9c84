import { randomUUID } from 'node:crypto';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ErrorBodyBuilder } from '../errors/error-body';
import { ErrorNormalizer } from '../errors/error-normalizer';
import { defaultRequestId } from '../platform/request-id';
import { fillTemplate } from '../platform/location';
import { STATUS_OPTIONS } from '../options/options.token';
import { errorSettings, type ResolvedStatusOptions } from '../options/status-options';
import { BullJobEngine } from './bull-job-engine';
import type { JobContext, JobProcessor } from './job-context';
import {
  JobFailure,
  JobHandedBack,
  type JobEngine,
  type JobHandler,
  type JobPayload,
} from './job-engine';
import { OutageLog } from '../platform/outage-log';
import { JobsBusyError, JobsUnavailableError, JobTimeoutError } from './job-errors';
import { queuedRecord, type JobRecord } from './job-record';
import { AsyncMetadata } from './job-rules';
import { resolveJobsOptions, type ResolvedJobsOptions } from '../options/jobs.options';
import { MemoryJobEngine } from './memory-job-engine';
import { ProcessorDiscovery, type ProcessorOptions } from './processor.decorator';

/** How one job is added; `@Async` fills this from the route and the request. */
export interface EnqueueOptions {
  /** The status monitor's path, or how to make it from the job id. */
  statusUrl: string | ((jobId: string) => string);
  /** Template of the URL of the resource the result names (`'/api/reports/:id'`). */
  location?: string;
  /** Overrides the module's `idPrefix`. */
  idPrefix?: string;
  /** The request that accepted the job; one is made up when there is none. */
  requestId?: string;
}

/** Weight of the latest run in the typical run time (an exponential moving average). */
const DURATION_WEIGHT = 0.2;
/** Job ids the engine is asked about: ours are `<prefix><uuid>`. */
const JOB_ID = /^[\w.-]{1,200}$/;

/**
 * Accepted work: adds jobs to queues and reads their state, on BullMQ (`jobs.redis`) or in
 * memory. At start-up it finds every `@Processor(queue)` provider and starts a worker for its
 * queue; on shutdown it stops taking work and hands running jobs back.
 * `@Async` routes use it; inject it for the status monitor, or to add jobs from elsewhere.
 *
 * @example
 * @Get('jobs/:jobId')
 * @JobStatus()
 * status(@Param('jobId') jobId: string) {
 *   return this.jobs.find(jobId);
 * }
 */
@Injectable()
export class JobRunner
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly engine: JobEngine;
  private readonly options: ResolvedJobsOptions;
  private readonly normalizer: ErrorNormalizer;
  private readonly bodies: ErrorBodyBuilder;
  private readonly logger = new Logger('StatusModule');
  /** Queues this app knows: those with a processor, used by `@Async`, or added to. */
  private readonly queues = new Set<string>();
  private readonly processed = new Map<string, number>();
  private readonly typicalMs = new Map<string, number>();
  /** Admissions under way (read the load, not yet added), counted as waiting. */
  private readonly admitting = new Map<string, number>();
  private stopping = false;

  constructor(
    @Inject(STATUS_OPTIONS) statusOptions: ResolvedStatusOptions,
    @Optional() private readonly discovery?: DiscoveryService,
    @Optional() private readonly scanner?: MetadataScanner,
    @Optional() private readonly reflector?: Reflector,
  ) {
    // Resolved by the module; `resolveJobsOptions` for a runner built by hand in a test.
    this.options = resolveJobsOptions(statusOptions.jobs);
    const errors = errorSettings(statusOptions);
    this.normalizer = new ErrorNormalizer(errors.mappings);
    this.bodies = new ErrorBodyBuilder(errors);
    const describe = (error: unknown, payload: JobPayload) =>
      this.describeError(error, payload).body;
    this.engine =
      this.options.redis !== undefined
        ? new BullJobEngine(this.options, describe)
        : new MemoryJobEngine(this.options, describe);
  }

  /** `'bullmq'` when jobs run on Redis, else `'memory'`. */
  get engineName(): 'bullmq' | 'memory' {
    return this.engine instanceof BullJobEngine ? 'bullmq' : 'memory';
  }

  /** Memory engine: the job records it holds (bounded by `maxEntries`); -1 on BullMQ. */
  get heldJobs(): number {
    return this.engine instanceof MemoryJobEngine ? this.engine.size : -1;
  }

  /** Starts a worker for every `@Processor` provider; checks every `@Async` queue has one (memory). */
  onApplicationBootstrap(): void {
    if (!this.discovery) return;
    for (const wrapper of this.discovery.getProviders({ metadataKey: ProcessorDiscovery.KEY })) {
      const meta = this.discovery.getMetadataByDecorator(ProcessorDiscovery, wrapper);
      if (!meta) continue;
      if (!wrapper.isDependencyTreeStatic() || !wrapper.instance) {
        throw new Error(
          `@Processor('${meta.queue}') ${wrapper.name}: a processor must be a singleton provider ` +
            '(no request scope), registered in a module that the app imports.',
        );
      }
      this.process(meta.queue, wrapper.instance as JobProcessor, meta);
    }
    for (const queue of this.asyncQueues()) this.queues.add(queue);
    if (this.engineName === 'memory') {
      const orphans = [...this.queues].filter((queue) => !this.processed.has(queue));
      if (orphans.length > 0) {
        throw new Error(
          `No @Processor for the queue(s) ${orphans.map((q) => `'${q}'`).join(', ')} used by @Async: ` +
            `add a provider marked @Processor('${orphans[0]}') with a process(job) method.`,
        );
      }
    }
  }

  /**
   * Runs the jobs of `queue` with `processor` in this instance (what `@Processor` does for you).
   * One processor per queue.
   */
  process(queue: string, processor: JobProcessor, options: ProcessorOptions = {}): void {
    if (typeof processor?.process !== 'function') {
      throw new TypeError(`The processor of '${queue}' needs a process(job) method.`);
    }
    if (this.processed.has(queue)) {
      throw new Error(`The queue '${queue}' has two processors; keep one @Processor('${queue}').`);
    }
    const concurrency = options.concurrency ?? this.options.concurrency;
    this.processed.set(queue, concurrency);
    this.queues.add(queue);
    this.engine.work(queue, concurrency, this.handler(queue, processor));
  }

  /**
   * Adds a job to `queue` with `data` (JSON) as its input and returns its record, `queued`.
   * 503 `JOBS_BUSY` when it could not start before `startWithinMs` (or the waiting room is full),
   * 503 `JOBS_UNAVAILABLE` when the engine (Redis) does not answer in time; both with Retry-After.
   */
  async enqueue(queue: string, data: unknown, options: EnqueueOptions): Promise<JobRecord> {
    const payloadData = data === undefined ? null : JSON.parse(JSON.stringify(data));
    if (this.stopping && this.engineName === 'memory') {
      throw new JobsUnavailableError(this.options.retryAfterSeconds);
    }
    this.queues.add(queue);
    const jobId = (options.idPrefix ?? this.options.idPrefix) + randomUUID();
    const payload: JobPayload = {
      data: payloadData,
      statusUrl:
        typeof options.statusUrl === 'function' ? options.statusUrl(jobId) : options.statusUrl,
      requestId: options.requestId ?? defaultRequestId(),
      location: options.location,
    };
    this.admitting.set(queue, (this.admitting.get(queue) ?? 0) + 1);
    try {
      await this.bounded('add a job', async () => {
        await this.admit(queue);
        await this.engine.add(queue, jobId, payload);
      });
    } finally {
      this.admitting.set(queue, this.admitting.get(queue)! - 1);
    }
    return queuedRecord(jobId, queue, payload);
  }

  /**
   * The job's record from the engine's state, or `undefined` when it is unknown or expired.
   * 503 `JOBS_UNAVAILABLE` when the engine (Redis) does not answer in time.
   */
  async find(jobId: string): Promise<JobRecord | undefined> {
    if (typeof jobId !== 'string' || !JOB_ID.test(jobId) || this.queues.size === 0) {
      return undefined;
    }
    const found = await this.bounded('read a job', () => this.engine.find(jobId, [...this.queues]));
    if (!found) return undefined;
    const { location, ...record } = found;
    if (record.status === 'succeeded' && location !== undefined) {
      const url = fillTemplate(location, record.result);
      if (url !== undefined) {
        record.resultUrl = url;
        delete record.result;
      }
    }
    return record;
  }

  /** Shutdown, before the HTTP server closes: no more runs here; running jobs are handed back. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.engine.stopWorking();
  }

  /** Closes the engine's connections. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.engine.close();
  }

  /** 202 only for a job that can start before `startWithinMs`, and while the waiting room has space. */
  private async admit(queue: string): Promise<void> {
    const load = await this.engine.load(queue);
    const { startWithinMs, maxWaiting } = this.options;
    // Other admissions under way are counted as waiting: a burst cannot all read the same room.
    const waiting = load.waiting + (this.admitting.get(queue) ?? 1) - 1;
    const capacity =
      load.capacity > 0 ? load.capacity : (this.processed.get(queue) ?? this.options.concurrency);
    const typical = this.typicalMs.get(queue) ?? this.options.typicalDurationMs;
    // Jobs that must start (or finish) before a slot is ours; each round of `capacity` takes a run.
    const ahead = waiting + load.active + 1 - capacity;
    const startInMs = ahead <= 0 ? 0 : Math.ceil(ahead / capacity) * typical;
    const overRoom = waiting + 1 - maxWaiting;
    if (startInMs <= startWithinMs && overRoom <= 0) return;
    const waitMs = Math.max(
      startInMs - startWithinMs,
      (Math.max(0, overRoom) / capacity) * typical,
    );
    throw new JobsBusyError(Math.max(1, waitMs / 1000));
  }

  /** A processor as the engine runs it: timeout, shutdown, error body, run time. */
  private handler(queue: string, processor: JobProcessor): JobHandler {
    return async ({ context, controller, payload }) => {
      const started = Date.now();
      const { timeoutMs } = this.options;
      let timer: NodeJS.Timeout | undefined;
      const stopped = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => controller.abort(new JobTimeoutError(timeoutMs)), timeoutMs);
        timer.unref();
        const onAbort = () => reject(controller.signal.reason);
        if (controller.signal.aborted) onAbort();
        else controller.signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const result = await Promise.race([
          Promise.resolve().then(() => processor.process(context as JobContext<any>)),
          stopped,
        ]);
        this.measure(queue, Date.now() - started);
        // Stored as JSON: a result that is not (a cycle, a BigInt) fails here, not in the engine.
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      } catch (error) {
        if (error instanceof JobHandedBack) throw error;
        this.measure(queue, Date.now() - started);
        const { body, status } = this.describeError(error, payload);
        // A 4xx says the input is wrong and a timeout would hang again: neither is retried.
        throw new JobFailure(body, status < 500 || error instanceof JobTimeoutError);
      } finally {
        clearTimeout(timer);
      }
    };
  }

  /** Exactly the body an HTTP error would get; unexpected errors say nothing internal (and are logged). */
  private describeError(
    error: unknown,
    payload: JobPayload,
  ): { body: Record<string, unknown>; status: number } {
    try {
      const descriptor = this.normalizer.normalize(error);
      this.normalizer.log(error, descriptor, payload.requestId);
      const body = this.bodies.build(descriptor, payload.requestId, payload.statusUrl).body;
      return { body: JSON.parse(body), status: descriptor.status };
    } catch (unserializable) {
      this.logger.error(`A job failed with an error that cannot be described`);
      return this.describeError(new Error(String(unserializable)), payload);
    }
  }

  private measure(queue: string, ms: number): void {
    const previous = this.typicalMs.get(queue);
    this.typicalMs.set(
      queue,
      previous === undefined ? ms : previous + DURATION_WEIGHT * (ms - previous),
    );
  }

  /** The engine's answer within twice `commandTimeoutMs`, else 503 `JOBS_UNAVAILABLE`. */
  private async bounded<T>(what: string, call: () => Promise<T>): Promise<T> {
    const limitMs = this.options.commandTimeoutMs * 2;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${limitMs} ms`)), limitMs);
    });
    const attempt = call();
    const outage = this.engine.outage;
    try {
      const answer = await Promise.race([attempt, late]);
      outage?.up();
      return answer;
    } catch (error) {
      if (error instanceof JobsBusyError) throw error;
      attempt.catch(() => undefined); // a late failure of an abandoned call is not unhandled
      const unavailable = new JobsUnavailableError(this.options.retryAfterSeconds, error);
      const reason = `could not ${what}: ${error instanceof Error ? error.message : error}`;
      if (!outage) {
        this.logger.warn(reason);
        throw unavailable;
      }
      // Told once per outage, not per request (nor again by the exception filter).
      outage.down(reason);
      throw OutageLog.markReported(unavailable);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Queues named by `@Async` routes of the app's controllers. */
  private asyncQueues(): string[] {
    if (!this.discovery || !this.scanner || !this.reflector) return [];
    const queues: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const prototype = wrapper.metatype?.prototype as Record<string, unknown> | undefined;
      if (!prototype) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const rule = this.reflector.get(AsyncMetadata, prototype[name] as () => unknown);
        if (rule?.queue) queues.push(rule.queue);
      }
    }
    return queues;
  }
}
