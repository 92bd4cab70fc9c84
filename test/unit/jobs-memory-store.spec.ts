import type { JobRecord } from '../../lib/jobs';
import { MemoryJobStore } from '../../lib/jobs/memory-job-store';

function record(jobId: string, status: JobRecord['status'] = 'succeeded'): JobRecord {
  return {
    jobId,
    status,
    queue: 'q',
    statusUrl: `/jobs/${jobId}`,
    attemptsMade: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    requestId: 'req-1',
  };
}

describe('MemoryJobStore', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('returns a copy of what was saved, never the same object', async () => {
    const store = new MemoryJobStore({ now: clock });
    const saved = { ...record('a'), result: { n: 1 } };
    await store.save(saved, 1_000);
    const read = await store.get('a');
    expect(read).toEqual(saved);
    expect(read).not.toBe(saved);
    (read!.result as { n: number }).n = 2;
    expect(((await store.get('a'))!.result as { n: number }).n).toBe(1);
  });

  it('forgets a record once its TTL has passed', async () => {
    const store = new MemoryJobStore({ now: clock });
    await store.save(record('a'), 100);
    now += 99;
    expect(await store.get('a')).toBeDefined();
    now += 1;
    expect(await store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('sweeps expired records on write, so they do not pile up', async () => {
    const store = new MemoryJobStore({ now: clock });
    for (let i = 0; i < 50; i++) await store.save(record(`old-${i}`), 100);
    now += 200;
    await store.save(record('new'), 100);
    expect(store.size).toBe(1);
  });

  it('holds at most maxEntries, evicting the least recently written finished record first', async () => {
    const store = new MemoryJobStore({ maxEntries: 3, now: clock });
    await store.save(record('pending', 'running'), 10_000);
    await store.save(record('done-1'), 10_000);
    await store.save(record('done-2'), 10_000);
    await store.save(record('done-3'), 10_000);
    expect(store.size).toBe(3);
    expect(await store.get('pending')).toBeDefined(); // older, but still running
    expect(await store.get('done-1')).toBeUndefined();
    expect(await store.get('done-2')).toBeDefined();
    // Re-writing a record makes it the most recent.
    await store.save(record('done-2'), 10_000);
    await store.save(record('done-4'), 10_000);
    expect(await store.get('done-3')).toBeUndefined();
    expect(await store.get('done-2')).toBeDefined();
  });

  it('stays bounded even when every record is pending', async () => {
    const store = new MemoryJobStore({ maxEntries: 2, now: clock });
    for (let i = 0; i < 10; i++) await store.save(record(`p-${i}`, 'queued'), 10_000);
    expect(store.size).toBe(2);
    expect(await store.get('p-9')).toBeDefined();
  });
});
