import { Logger } from '@nestjs/common';
import {
  ConflictError,
  JobContext,
  JobRecord,
  JobRunner,
  JobStore,
  JobsOptions,
  MemoryJobStore,
  StatusModuleOptions,
} from '../../lib';
import { resolveOptions } from '../../lib/status.options';

// The runner logs failed jobs (as the filter logs 5xx); here they are expected.
beforeAll(() => Logger.overrideLogger(false));

function runner(jobs: JobsOptions = {}, options: StatusModuleOptions = {}) {
  return new JobRunner(resolveOptions({ ...options, jobs }));
}

const start = (r: JobRunner, work: (job: JobContext) => unknown, timeoutMs?: number) =>
  r.start(work, { statusUrl: (id) => `/jobs/${id}`, requestId: 'req-t', timeoutMs });

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

describe('JobRunner', () => {
  const runners: JobRunner[] = [];
  const make = (jobs?: JobsOptions, options?: StatusModuleOptions) => {
    const r = runner(jobs, options);
    runners.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.onApplicationShutdown()));
  });

  it('records a job as queued before it runs, with ids of the configured prefix', async () => {
    const r = make({ idPrefix: 'rpt-' });
    const record = await start(r, () => 1);
    expect(record).toMatchObject({ status: 'queued', requestId: 'req-t' });
    expect(record.jobId).toMatch(/^rpt-[0-9a-f-]{36}$/);
    expect(record.statusUrl).toBe(`/jobs/${record.jobId}`);
    expect((await r.find(record.jobId))!.status).toBe('queued');
    expect(await until(r, record.jobId, settled)).toMatchObject({ status: 'succeeded', result: 1 });
  });

  it('fails a job at its timeout, aborts its signal, and ignores a result that comes later', async () => {
    const r = make();
    const late = deferred<string>();
    let signal: AbortSignal | undefined;
    const { jobId } = await start(
      r,
      (job) => {
        signal = job.signal;
        return late.promise;
      },
      30,
    );
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

  it('times out a job that waited in the queue past its deadline without ever running it', async () => {
    const r = make({ concurrency: 1 });
    const hold = deferred();
    const first = await start(r, () => hold.promise);
    let ran = false;
    const second = await start(
      r,
      () => {
        ran = true;
      },
      20,
    );
    const record = await until(r, second.jobId, settled);
    expect(record).toMatchObject({ status: 'failed', error: { code: 'JOB_TIMEOUT' } });
    expect(record!.startedAt).toBeUndefined();
    hold.resolve();
    await until(r, first.jobId, settled);
    expect(ran).toBe(false);
  });

  it('frees the slot of a timed-out job, so a hung job does not starve the others', async () => {
    const r = make({ concurrency: 1 });
    await start(r, () => new Promise(() => {}), 20);
    const next = await start(r, () => 'ok', 5_000);
    expect(await until(r, next.jobId, settled)).toMatchObject({
      status: 'succeeded',
      result: 'ok',
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
    const r = make();
    const { jobId } = await start(r, () => ({ big: 1n }));
    const record = await until(r, jobId, settled);
    expect(record).toMatchObject({ status: 'failed', error: { code: 'INTERNAL_ERROR' } });
    expect(JSON.stringify(record)).not.toMatch(/BigInt/);
  });

  it('fails a job whose error cannot be serialized with a generic 500 body, never leaving it running', async () => {
    const r = make();
    const { jobId } = await start(r, () => {
      throw new ConflictError('Odd.', { amount: 10n });
    });
    const record = await until(r, jobId, settled);
    expect(record).toMatchObject({
      status: 'failed',
      error: { error: 'Internal Server Error', code: 'INTERNAL_ERROR', requestId: 'req-t' },
    });
  });

  it('answers 503 JOBS_BUSY past maxPending, and frees the place once a job ends', async () => {
    const r = make({ maxPending: 1, retryAfterSeconds: 4 });
    const hold = deferred();
    const first = await start(r, () => hold.promise);
    await expect(start(r, () => 1)).rejects.toMatchObject({
      status: 503,
      code: 'JOBS_BUSY',
      headers: { 'Retry-After': '4' },
    });
    hold.resolve();
    await until(r, first.jobId, settled);
    await expect(start(r, () => 1)).resolves.toMatchObject({ status: 'queued' });
  });

  it('answers 503 JOB_STORE_UNAVAILABLE when the store cannot be written, starting nothing', async () => {
    const broken: JobStore = {
      save: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.1:6379')),
      get: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.1:6379')),
    };
    const r = make({ store: broken, maxPending: 1 });
    let ran = false;
    const failure = start(r, () => {
      ran = true;
    });
    await expect(failure).rejects.toMatchObject({ status: 503, code: 'JOB_STORE_UNAVAILABLE' });
    await expect(failure).rejects.toThrow(
      'Job state cannot be read or written right now; try again shortly.',
    );
    await expect(r.find('job-1')).rejects.toMatchObject({ code: 'JOB_STORE_UNAVAILABLE' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toBe(false);
    // The failed start did not keep its place against maxPending.
    await expect(start(r, () => 1)).rejects.toMatchObject({ code: 'JOB_STORE_UNAVAILABLE' });
  });

  it('fails a pending job no instance runs any more once past its deadline, and writes it back', async () => {
    const store = new MemoryJobStore();
    const r = make({ store });
    const past = Date.now() - 10_000;
    await store.save(
      {
        jobId: 'job-orphan',
        status: 'queued',
        statusUrl: '/jobs/job-orphan',
        createdAt: new Date(past - 2_000).toISOString(),
        deadline: new Date(past).toISOString(),
        requestId: 'req-gone',
      },
      60_000,
    );
    const record = await r.find('job-orphan');
    expect(record).toMatchObject({
      status: 'failed',
      error: {
        code: 'JOB_TIMEOUT',
        message: 'The job did not finish within 2000 ms.',
        requestId: 'req-gone',
      },
    });
    expect((await store.get('job-orphan'))!.status).toBe('failed');
  });

  it('leaves a pending job within its deadline alone', async () => {
    const store = new MemoryJobStore();
    const r = make({ store });
    await store.save(
      {
        jobId: 'job-elsewhere',
        status: 'running',
        statusUrl: '/jobs/job-elsewhere',
        createdAt: new Date().toISOString(),
        deadline: new Date(Date.now() + 60_000).toISOString(),
        requestId: 'req-x',
      },
      60_000,
    );
    expect((await r.find('job-elsewhere'))!.status).toBe('running');
  });

  it('on shutdown fails the jobs still pending (JOB_INTERRUPTED) and leaves a store it was given open', async () => {
    const store = new MemoryJobStore();
    const close = jest.spyOn(store, 'close');
    const r = runner({ store, concurrency: 1 });
    const running = await start(r, () => new Promise(() => {}));
    const queued = await start(r, () => 1);
    await until(r, running.jobId, (record) => record?.status === 'running');
    await r.onApplicationShutdown();
    for (const { jobId } of [running, queued]) {
      expect(await store.get(jobId)).toMatchObject({
        status: 'failed',
        error: { error: 'Service Unavailable', code: 'JOB_INTERRUPTED' },
      });
    }
    expect(close).not.toHaveBeenCalled();
  });

  it('keeps a pending record in the store past its deadline, so the store cannot drop a live job', async () => {
    const store = new MemoryJobStore();
    const save = jest.spyOn(store, 'save');
    const r = make({ store, ttlMs: 10 });
    await start(r, () => new Promise(() => {}), 60_000);
    const [, ttl] = save.mock.calls[0];
    expect(ttl).toBeGreaterThan(60_000);
  });

  it('refuses work that is not a function', async () => {
    await expect(make().start('nope' as never, { statusUrl: () => '/x' })).rejects.toThrow(
      TypeError,
    );
  });
});
