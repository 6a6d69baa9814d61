/**
 * What `import 'offpath'` costs a host at start-up: a fresh Node process per sample imports the
 * shipped entry point and reports the wall time and CPU time the import took. Side by side, in
 * alternating order: an empty import (the floor), the entry point, and the entry point plus the
 * modules it loads only on demand (better-sqlite3 for a spool, yaml for a YAML config) — what every
 * import paid when those were loaded eagerly.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchResult, percentile } from './types.js';

const entry = new URL('../dist/index.js', import.meta.url).href;
const cases: Record<string, string> = {
  floor: `await import('node:os');`,
  offpath: `await import(${JSON.stringify(entry)});`,
  'offpath + on-demand modules': `await import(${JSON.stringify(entry)}); await import('better-sqlite3'); await import('yaml');`,
};

function sample(body: string): { wallMs: number; cpuMs: number } {
  const script = `const c0 = process.cpuUsage(); const t0 = performance.now(); ${body} const c = process.cpuUsage(c0); process.stdout.write(JSON.stringify({ wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });
  return JSON.parse(out) as { wallMs: number; cpuMs: number };
}

export async function run(): Promise<BenchResult[]> {
  const samples = Number(process.env['IMPORT_SAMPLES'] ?? 21);
  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  for (let i = 0; i < samples; i++) {
    for (const [name, body] of Object.entries(cases)) {
      const s = sample(body);
      wall.set(name, [...(wall.get(name) ?? []), s.wallMs]);
      cpu.set(name, [...(cpu.get(name) ?? []), s.cpuMs]);
    }
  }
  const median = (xs: number[]) =>
    Math.round(
      percentile(
        [...xs].sort((a, b) => a - b),
        0.5,
      ) * 10,
    ) / 10;
  return Object.keys(cases).flatMap((name) => [
    { name: `import ${name}: wall median`, value: median(wall.get(name)!), unit: 'ms' },
    { name: `import ${name}: CPU median`, value: median(cpu.get(name)!), unit: 'ms' },
  ]);
}
