import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseResults, renderChart } from './harness/chart';

/** Where `npm run bench` puts the chart of its latest table (the docs show it). */
export const CHART = join(__dirname, '..', '..', 'docs', 'images', 'bench.svg');

/** Draws the chart of a results file (bench/RESULTS.md) into an SVG file. */
export function writeChart(results: string, out = CHART): void {
  const svg = renderChart(parseResults(readFileSync(results, 'utf8')));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, svg);
}

/** `npm run bench:chart [RESULTS.md] [out.svg]`: the chart again, without measuring anything. */
if (require.main === module) {
  const [results = join(__dirname, '..', '..', 'bench', 'RESULTS.md'), out = CHART] =
    process.argv.slice(2);
  writeChart(results, out);
  process.stderr.write(`bench: wrote ${out}\n`);
}
