import { createServer } from 'node:net';
import { Logger } from '@nestjs/common';
import { ConflictError, StatusModuleOptions } from '../../lib';
import { JobContext, JobRecord, JobRunner, JobsOptions } from '../../lib/jobs';
import { resolveStatusOptions as resolveOptions } from '../../lib/status-options.resolver';

// The runner logs failed jobs (as the filter logs 5xx); here they are expected.
beforeAll(() => Logger.overrideLogger(false));

type Work = (job: JobContext<any>) => unknown;

/** Reads the record until `done`, at most 200 times 5 ms apart. */
async function until(r: JobRunner, jobId: string, done: (record?: JobRecord) => boolean) {
  let record = await r.find(jobId);
  for (let i = 0; i < 200 && !done(record); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    record = await r.find(jobId);
  }
  return record;
}
const settled = (record?: JobRecord) =>
  record?.status === 'succeeded' || record?.status === 'failed';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('JobRunner on the memory engine', () => {
  const runners: JobRunner[] = [];
  /** A runner whose queue `q` runs whatever work the job's data names. */
  const works = new Map<string, Work>();
  let next = 0;
  const make = (jobs: JobsOptions = {}, options: StatusModuleOptions = {}) => {
    const r = new JobRunner(resolveOptions({ ...options, jobs }));
    r.process('q', { process: (job: JobContext<string>) => works.get(job.data)!(job) });
    runners.push(r);
    return r;
  };
  const start = (r: JobRunner, work: Work) => {
    const key = `w${next++}`;
    works.set(key, work);
    return r.enqueue('q', key, { statusUrl: (id) => `/jobs/${id}`, requestId: 'req-t' });
  };
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.onApplicationShutdown()));
  });

  it('records a job as queued before it runs, with ids of the configured prefix', async () => {
    const r = make({ idPrefix: 'rpt-' });
    const record = await start(r, () => 1);
    expect(record).toMatchObject({ status: 'queued', queue: 'q', requestId: 'req-t' });
    expect(record.jobId).toMatch(/^rpt-[0-9a-f-]{36}$/);
    expect(record.statusUrl).toBe(`/jobs/${record.jobId}`);
    expect((await r.find(record.jobId))!.status).toBe('queued');
    expect(await until(r, record.jobId, settled)).toMatchObject({ status: 'succeeded', result: 1 });
  });

  it('gives the processor its id, queue, attempt and the request id', async () => {
    const r = make();
    let seen: JobContext<any> | undefined;
    const record = await start(r, (job) => {
      seen = job;
    });
    await until(r, record.jobId, settled);
    expect(seen).toMatchObject({
      id: record.jobId,
      queueName: 'q',
      attemptsMade: 0,
      requestId: 'req-t',
    });
  });

  it('fails a run at `timeoutMs`, aborts its signal, and ignores a result that comes later', async () => {
    const r = make({ timeoutMs: 30 });
    const late = deferred<string>();
    let signal: AbortSignal | undefined;
    const { jobId } = await start(r, (job) => {
      signal = job.signal;
      return late.promise;
    });
    const record = await until(r, jobId, settled);
    expect(record).toMatchObject({
      status: 'failed',
      error: {
        error: 'Internal Server Error',
        message: 'The job did not finish within 30 ms.',
        code: 'JOB_TIMEOUT',
        requestId: 'req-t',
      },
    });
    expect(signal?.aborted).toBe(true);
    late.resolve('too late');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await r.find(jobId))!.status).toBe('failed');
  });

  it('never fails a job for waiting: one queued behind a long run starts when a slot frees', async () => {
    const r = make({ concurrency: 1 });
    const hold = deferred();
    const first = await start(r, () => hold.promise);
    const second = await start(r, () => 'ran');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await r.find(second.jobId))!.status).toBe('queued');
    hold.resolve();
    await until(r, first.jobId, settled);
    expect(await until(r, second.jobId, settled)).toMatchObject({
      status: 'succeeded',
      result: 'ran',
    });
  });

  it('fails a job that throws synchronously, with the domain error as the body', async () => {
    const r = make();
    const { jobId } = await start(r, () => {
      throw new ConflictError('Already running.', { field: 'type' });
    });
    expect(await until(r, jobId, settled)).toMatchObject({
      status: 'failed',
      error: { error: 'Conflict', message: 'Already running.', code: 'CONFLICT', field: 'type' },
    });
  });

  it('fails a job whose result cannot be stored as JSON, saying nothing internal', async () => {
    const r = make({ attempts: 1 });
    const { jobId } = await start(r, () => ({ big: 1n }));
    const record = await until(r, jobId, settled);
    expect(record).toMatchObject({ status: 'failed', error: { code: 'INTERNAL_ERROR' } });
    expect(JSON.stringify(record)).not.toMatch(/BigInt/);
  });

  it('fails a job whose error cannot be serialized with a generic 500 body, never leaving it running', async () => {
    const r = make({ attempts: 1 });
    const { jobId } = await start(r, () => {
      throw new ConflictError('Odd.', { amount: 10n });
    });
    expect(await until(r, jobId, settled)).toMatchObject({
      status: 'failed',
      error: { error: 'Internal Server Error', code: 'INTERNAL_ERROR', requestId: 'req-t' },
    });
  });

  it('on shutdown fails the jobs still pending here (JOB_INTERRUPTED) and takes no more', async () => {
    const r = make({ concurrency: 1 });
    const running = await start(r, () => new Promise(() => {}));
    const queued = await start(r, () => 1);
    await until(r, running.jobId, (record) => record?.status === 'running');
    await r.beforeApplicationShutdown();
    for (const { jobId } of [running, queued]) {
      expect(await r.find(jobId)).toMatchObject({
        status: 'failed',
        error: { error: 'Service Unavailable', code: 'JOB_INTERRUPTED' },
      });
    }
    await expect(start(r, () => 1)).rejects.toMatchObject({
      status: 503,
      code: 'JOBS_UNAVAILABLE',
    });
  });

  it('answers undefined for an id that is unknown or not an id at all', async () => {
    const r = make();
    expect(await r.find('job-00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await r.find('a:b')).toBeUndefined();
    expect(await r.find('x'.repeat(201))).toBeUndefined();
  });

  it('refuses a second processor for a queue, and a processor without process()', () => {
    const r = make();
    expect(() => r.process('q', { process: () => 1 })).toThrow(/two processors/);
    expect(() => r.process('p', {} as never)).toThrow(/process\(job\)/);
  });

  it('refuses start options that contradict themselves', () => {
    expect(() => make({ startWithinMs: 0 })).toThrow(/startWithinMs must be a positive number/);
  });
});

describe('JobRunner on BullMQ when Redis does not answer', () => {
  it('answers 503 JOBS_UNAVAILABLE + Retry-After within twice commandTimeoutMs, adding nothing', async () => {
    // A port nothing listens on: every connection is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const r = new JobRunner(
      resolveOptions({
        jobs: { redis: `redis://127.0.0.1:${port}`, commandTimeoutMs: 200, retryAfterSeconds: 2 },
      }),
    );
    try {
      const started = Date.now();
      await expect(r.enqueue('q', { a: 1 }, { statusUrl: '/s' })).rejects.toMatchObject({
        status: 503,
        code: 'JOBS_UNAVAILABLE',
        headers: { 'Retry-After': '2' },
      });
      await expect(r.find('job-1')).rejects.toMatchObject({ code: 'JOBS_UNAVAILABLE' });
      // Bounded (2 x 200 ms each), with a generous margin for a loaded machine: not a hang.
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await r.onApplicationShutdown();
    }
  });
});
