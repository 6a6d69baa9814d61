/**
 * What `import 'offpath'` costs a host at start-up: a fresh Node process per sample runs one case and
 * reports its wall time and CPU time. Side by side, in alternating order: an empty import (the floor);
 * the entry point; the entry point and a `createOffpath()` with one HTTP destination (what an app
 * pays before its first request, undici and the config schema included); the standalone resilience
 * kit (`offpath/resilience`); and the entry point plus the modules it loads only when used
 * (better-sqlite3 for a spool, yaml for a YAML config, undici for a network destination), which is
 * what every import paid when they were loaded eagerly.
 *
 * IMPORT_BASELINE names the built entry point of another version (its `dist/index.js`, in a folder
 * inside the repository so that it resolves the same node_modules): its import and its
 * `createOffpath()` are measured in the same run.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchResult, percentile } from './types.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = (path: string): string => JSON.stringify(pathToFileURL(resolve(root, path)).href);
// Port 9 (discard) is never contacted: nothing is emitted, and the instance is closed at once.
const create = `.createOffpath({ destinations: [{ name: 'c', type: 'http', url: 'http://127.0.0.1:9/' }] }).close();`;
const instanceCases = (label: string, path: string): Record<string, string> => ({
  [`offpath${label}`]: `await import(${entry(path)});`,
  [`offpath + createOffpath${label}`]: `await (await import(${entry(path)}))${create}`,
});
const baseline = process.env['IMPORT_BASELINE'];
const cases: Record<string, string> = {
  floor: `await import('node:os');`,
  ...(baseline === undefined ? {} : instanceCases(' (baseline)', baseline)),
  ...instanceCases('', 'dist/index.js'),
  'offpath/resilience': `await import(${entry('dist/resilience/index.js')});`,
  'offpath + on-demand modules': `await import(${entry('dist/index.js')}); await import('better-sqlite3'); await import('yaml'); await import('undici');`,
};

function sample(body: string): { wallMs: number; cpuMs: number } {
  const script = `const c0 = process.cpuUsage(); const t0 = performance.now(); ${body} const c = process.cpuUsage(c0); process.stdout.write(JSON.stringify({ wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
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
