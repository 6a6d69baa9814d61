/**
 * `npm run bench`: runs every benchmark and prints a table. BENCH_SECONDS shortens the timed runs
 * (the figures in docs/BENCHMARKS.md use the defaults).
 */
import type { BenchResult } from './types.js';

const suites: Array<[string, () => Promise<{ run: () => Promise<BenchResult[]> }>]> = [
  ['emit', () => import('./emit.js')],
  ['blackhole', () => import('./blackhole.js')],
  ['drain', () => import('./drain.js')],
  ['redact', () => import('./redact.js')],
  ['capture', () => import('./capture.js')],
  ['spool', () => import('./spool.js')],
  ['selfmon', () => import('./selfmon.js')],
  ['storm', () => import('./storm.js')],
  ['faults', () => import('./faults.js')],
  ['coordination', () => import('./coordination.js')],
  ['serve', () => import('./serve.js')],
  ['gateway', () => import('./gateway.js')],
  ['import', () => import('./import-cost.js')],
  ['records', () => import('./records.js')],
];

const only = process.argv.slice(2);
let failed = 0;
const rows: BenchResult[] = [];
for (const [name, load] of suites) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stdout.write(`running ${name}…\n`);
  const results = await (await load()).run();
  rows.push(...results);
  for (const r of results) {
    if (r.pass === false) failed++;
    process.stdout.write(
      `  ${r.name}: ${r.value} ${r.unit}${r.target ? ` (target ${r.target}: ${r.pass ? 'met' : 'MISSED'})` : ''}\n`,
    );
  }
}
process.stdout.write(`\n| measure | value | target | |\n|---|---|---|---|\n`);
for (const r of rows) {
  process.stdout.write(
    `| ${r.name} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.pass === undefined ? '' : r.pass ? 'met' : 'missed'} |\n`,
  );
}
process.exitCode = failed > 0 ? 1 : 0;
