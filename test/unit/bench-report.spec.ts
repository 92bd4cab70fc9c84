import { parseResults } from '../../bench/harness/chart';
import { placeProcesses } from '../../bench/harness/cpu-placement';
import { renderResults, type Row, type RunInfo, verdict } from '../../bench/harness/report';
import { SCENARIOS } from '../../bench/scenarios';

const scenario = (id: string) => SCENARIOS.find((s) => s.id === id)!;

const measured = (rps: number[], cpu: number[]) => ({
  prepared: { request: { method: 'GET' as const, path: '/small' }, status: 200 },
  rps,
  p99: rps.map(() => 1),
  cpu,
  unexpected: {},
});

/** A measured row: `ratios` are ours/bare req/s, `cpuRatios` bare/ours CPU per request. */
function row(
  id: string,
  adapter: 'express' | 'fastify',
  ratios: number[],
  cpuRatios: number[],
): Row {
  const s = scenario(id);
  return {
    adapter,
    scenario: s,
    state: 'measured',
    budget: 0.97,
    judgedBy: s.judgedBy?.(adapter) ?? 'rps',
    bare: measured([1000, 1000, 1000], [30, 30, 30]),
    ours: measured(
      ratios.map((r) => 1000 * r),
      cpuRatios.map((r) => 30 / r),
    ),
    ratios,
    cpuRatios,
  };
}

const INFO: RunInfo = {
  date: '2026-11-30T00:00:00Z',
  node: 'v20',
  cpus: 2,
  cpuModel: 'test',
  platform: 'linux x64',
  connections: 10,
  rounds: 3,
  duration: 2,
  warmup: 1,
  processes: 3,
  placement: 'Pinned for the test.',
  elapsedSeconds: 1,
};

describe("the bench's verdicts and chart", () => {
  it("holds Fastify's small GET to its CPU ratio, whatever its req/s ratio says", () => {
    const fastify = row('get-small', 'fastify', [1.01, 1.02, 1.0], [0.95, 0.96, 0.94]);
    expect(fastify.judgedBy).toBe('cpu');
    expect(verdict(fastify)).toBe('MISSED');
    expect(verdict({ ...fastify, cpuRatios: [0.98, 0.99, 0.97] })).toBe('meets');
  });

  it('holds the other rows to their req/s ratio', () => {
    const express = row('get-small', 'express', [1.01, 1.02, 1.0], [0.9, 0.9, 0.9]);
    expect(express.judgedBy).toBe('rps');
    expect(verdict(express)).toBe('meets');
    const post = row('post-201', 'fastify', [0.9, 0.9, 0.9], [1.1, 1.1, 1.1]);
    expect(post.judgedBy).toBe('rps');
    expect(verdict(post)).toBe('MISSED');
  });

  it('writes a CPU-held budget as such, and the chart draws that row by its CPU ratio', () => {
    const markdown = renderResults(
      [
        row('get-small', 'fastify', [1.01, 1.02, 1.0], [0.95, 0.96, 0.94]),
        row('post-201', 'fastify', [1.05, 1.1, 1.0], [1.2, 1.2, 1.2]),
      ],
      [],
      [],
      INFO,
    );
    expect(markdown).toContain('≥ 0.97× CPU');
    expect(markdown).toContain('3 server processes and round r on process r');
    expect(markdown).toContain('Pinned for the test.');
    const { rows } = parseResults(markdown);
    expect(rows).toEqual([
      {
        adapter: 'fastify',
        scenario: 'GET 200 small JSON (CPU)',
        ratio: 0.95,
        spread: [0.94, 0.96],
        budget: 0.97,
        verdict: 'MISSED',
      },
      {
        adapter: 'fastify',
        scenario: 'POST 201 with Location',
        ratio: 1.05,
        spread: [1, 1.1],
        budget: 0.97,
        verdict: 'meets',
      },
    ]);
  });

  it('says when it does not pin', () => {
    expect(placeProcesses(false)).toEqual({
      describe: 'Processes were not pinned to CPUs (`--no-pin`).',
    });
  });
});
