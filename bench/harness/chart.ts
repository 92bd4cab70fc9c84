/**
 * The bench's table as a picture: ours/bare req/s per scenario and adapter (a row whose budget is
 * held in CPU per request, by its CPU ratio), with each round's spread and the 0.97 line, as a small self-contained SVG (no dependency, renders on the forges
 * and on npm). It is drawn from the Markdown the bench writes (bench/RESULTS.md), so the chart
 * and the table cannot tell two stories.
 */

/** One measured row of the results table. */
export interface ChartRow {
  adapter: string;
  scenario: string;
  ratio: number;
  /** Lowest and highest round, when there was more than one. */
  spread?: [number, number];
  budget: number;
  verdict: string;
}

/** What the chart shows: the rows and the line saying when and where they were measured. */
export interface ChartData {
  rows: ChartRow[];
  run: string;
}

const num = (text: string) => Number(text.replace(/[*×≥\s,]|CPU/g, ''));

/** The first table of RESULTS.md (the one with "ratio ours/bare") and its "Run ..." line. */
export function parseResults(markdown: string): ChartData {
  const lines = markdown.split('\n');
  const head = lines.findIndex((line) => line.startsWith('|') && line.includes('ratio ours/bare'));
  if (head < 0) throw new Error('no results table (a header with "ratio ours/bare")');
  const columns = lines[head].split('|').map((cell) => cell.trim());
  const col = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`the results table has no "${name}" column`);
    return index;
  };
  const [adapter, scenario, ratio, spread, budget, verdict] = [
    'adapter',
    'scenario',
    'ratio ours/bare',
    'spread',
    'budget',
    'verdict',
  ].map(col);
  const cpuRatio = columns.indexOf('CPU ratio bare/ours');
  const rows: ChartRow[] = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').map((cell) => cell.trim());
    // A pending or failed row has no ratio: nothing to draw.
    if (!Number.isFinite(num(cells[ratio])) || cells[ratio] === '') continue;
    // A budget held in CPU (`≥ 0.97× CPU`) is drawn with the CPU ratio and its spread.
    const byCpu = cells[budget].includes('CPU') && cpuRatio >= 0;
    const cpuSpread = /CPU ([\d.]+)–([\d.]+)/.exec(cells[spread]);
    const range = byCpu
      ? (cpuSpread?.slice(1).map(Number) ?? [])
      : cells[spread].split(' ')[0].split('–').map(num);
    rows.push({
      adapter: cells[adapter],
      scenario: byCpu ? `${cells[scenario]} (CPU)` : cells[scenario],
      ratio: num(cells[byCpu ? cpuRatio : ratio]),
      spread: range.length === 2 && range.every(Number.isFinite) ? [range[0], range[1]] : undefined,
      budget: num(cells[budget]),
      verdict: cells[verdict],
    });
  }
  const run = lines.find((line) => line.startsWith('Run ')) ?? '';
  return { rows, run: run.replace(/\.$/, '') };
}

const escape = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

const COLORS: Record<string, string> = { express: '#4f6d8f', fastify: '#d9822b' };
const FLOOR = 0.97;

/** The chart as SVG text. */
export function renderChart({ rows, run }: ChartData): string {
  const adapters = [...new Set(rows.map((row) => row.adapter))];
  const scenarios = [...new Set(rows.map((row) => row.scenario))];
  const values = rows.flatMap((row) => [row.ratio, ...(row.spread ?? [])]);
  const lo = Math.min(0.8, Math.floor(Math.min(...values) * 10) / 10);
  const hi = Math.max(1.2, Math.ceil(Math.max(...values) * 10) / 10);
  const [left, plotWidth, top, bar, gap] = [200, 520, 64, 14, 14];
  const group = adapters.length * bar + gap;
  const height = top + scenarios.length * group + 66;
  const width = left + plotWidth + 70;
  const x = (value: number) => left + ((value - lo) / (hi - lo)) * plotWidth;
  const out: string[] = [];
  const text = (tx: number, ty: number, body: string, attrs = '') =>
    out.push(`<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}"${attrs}>${escape(body)}</text>`);

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12" role="img" aria-labelledby="title desc">`,
    `<title id="title">nestjs-status against bare Nest: req/s ratio per scenario</title>`,
    `<desc id="desc">${escape(rows.map((r) => `${r.adapter} ${r.scenario}: ${r.ratio.toFixed(3)}× (${r.verdict})`).join('; '))}</desc>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  );
  text(
    left,
    22,
    'req/s of nestjs-status ÷ req/s of bare Nest (median of the rounds)',
    ' font-size="14" font-weight="600" fill="#222"',
  );
  // Legend: one swatch per adapter, the whisker, and the 0.97 line.
  let lx = left;
  for (const adapter of adapters) {
    out.push(`<rect x="${lx}" y="34" width="12" height="12" fill="${COLORS[adapter] ?? '#888'}"/>`);
    text(lx + 16, 44, adapter, ' fill="#333"');
    lx += 90;
  }
  out.push(`<line x1="${lx}" y1="40" x2="${lx + 20}" y2="40" stroke="#333"/>`);
  text(lx + 24, 44, 'lowest–highest round', ' fill="#333"');
  lx += 160;
  out.push(
    `<line x1="${lx}" y1="40" x2="${lx + 20}" y2="40" stroke="#c0392b" stroke-width="2" stroke-dasharray="5 3"/>`,
  );
  text(lx + 24, 44, `${FLOOR} budget`, ' fill="#333"');

  // Grid and axis.
  const bottom = top + scenarios.length * group;
  for (let tick = Math.ceil(lo * 10); tick <= Math.floor(hi * 10); tick++) {
    const value = tick / 10;
    const tx = x(value);
    out.push(
      `<line x1="${tx.toFixed(1)}" y1="${top - 6}" x2="${tx.toFixed(1)}" y2="${bottom}" stroke="${value === 1 ? '#555' : '#e4e4e4'}"/>`,
    );
    // A label every 0.2× when the axis is long, so that they do not run into each other.
    if (hi - lo <= 1 || tick % 2 === 0) {
      text(tx, bottom + 16, `${value.toFixed(1)}×`, ' text-anchor="middle" fill="#555"');
    }
  }
  out.push(
    `<line x1="${x(FLOOR).toFixed(1)}" y1="${top - 6}" x2="${x(FLOOR).toFixed(1)}" y2="${bottom}" stroke="#c0392b" stroke-width="2" stroke-dasharray="5 3"/>`,
  );

  // One group per scenario, one bar per adapter, from parity (1.0×) to the ratio.
  scenarios.forEach((scenario, s) => {
    const gy = top + s * group;
    text(
      left - 10,
      gy + (adapters.length * bar) / 2 + 4,
      scenario,
      ' text-anchor="end" fill="#222"',
    );
    adapters.forEach((adapter, a) => {
      const row = rows.find((r) => r.scenario === scenario && r.adapter === adapter);
      if (!row) return;
      const y = gy + a * bar;
      const [x0, x1] = [x(Math.min(1, row.ratio)), x(Math.max(1, row.ratio))];
      out.push(
        `<rect x="${x0.toFixed(1)}" y="${y + 1}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${bar - 2}" fill="${COLORS[adapter] ?? '#888'}"/>`,
      );
      if (row.spread) {
        const [s0, s1] = row.spread.map(x);
        const cy = y + bar / 2;
        out.push(
          `<path d="M${s0.toFixed(1)} ${cy}H${s1.toFixed(1)}M${s0.toFixed(1)} ${cy - 3}V${cy + 3}M${s1.toFixed(1)} ${cy - 3}V${cy + 3}" stroke="#333" fill="none"/>`,
        );
      }
      const missed = row.verdict !== 'meets';
      const label = `${row.ratio.toFixed(3)}×${missed ? ` ${row.verdict} (budget ${row.budget.toFixed(2)}×)` : ''}`;
      const end = Math.max(x1, row.spread ? x(row.spread[1]) : x1);
      text(end + 6, y + bar - 3, label, ` font-size="11" fill="${missed ? '#c0392b' : '#333'}"`);
    });
  });
  text(left, height - 30, `${run}.`, ' font-size="11" fill="#666"');
  text(
    left,
    height - 14,
    'Drawn by npm run bench from bench/RESULTS.md.',
    ' font-size="11" fill="#666"',
  );
  out.push('</svg>');
  return out.join('\n') + '\n';
}
