/**
 * Vitest global setup: compiles src/ once into .test-build/ (when a source is newer than the last
 * build), so that tests running the CLI or zero-code mode as child processes run plain JavaScript, as
 * users do, instead of paying the TypeScript loader in every child (about 2.5× the CPU per start).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Where the compiled sources go: two levels above cli/ is the repository, as in dist/. */
export const TEST_BUILD = join(root, '.test-build');
const stamp = join(TEST_BUILD, '.built');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const inputs = Math.max(
    newestSource(join(root, 'src')),
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= inputs) return;
  rmSync(TEST_BUILD, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const flags = ['--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'];
  const run = spawnSync(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', TEST_BUILD, ...flags],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (run.status !== 0)
    throw new Error(`compiling src/ for child-process tests failed:\n${run.stdout}${run.stderr}`);
  writeFileSync(stamp, '');
}
