import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const entry = new URL('../index.ts', import.meta.url).pathname;

/** Runs a script; with `signalOnReady`, sends SIGTERM once the script prints "ready". */
function run(
  script: string,
  signalOnReady = false,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'offpath-exit-'));
  const file = join(dir, 'out.ndjson');
  const source = script.replaceAll('$ENTRY', JSON.stringify(entry)).replaceAll('$FILE', JSON.stringify(file));
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', (chunk: Buffer) => {
    if (signalOnReady && chunk.toString().includes('ready')) child.kill('SIGTERM');
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, file })));
}

describe('exit hooks', () => {
  it('on SIGTERM delivers what is pending, then still dies by the signal', async () => {
    const { signal, file } = await run(
      `import { createOffpath } from $ENTRY;
       const offpath = createOffpath({ handleSignals: true, destinations: [{ name: 'f', type: 'file', path: $FILE, batch: { maxDelayMs: 60000, maxSize: 1000 } }] });
       offpath.emit({ message: 'first' });
       setTimeout(() => { offpath.emit({ message: 'second' }); console.log('ready'); }, 100);
       setInterval(() => {}, 1000);`,
      true,
    );
    expect({ signal }).toEqual({ signal: 'SIGTERM' });
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message),
    ).toEqual(['first', 'second']);
  });

  it('flushes once before a natural exit', async () => {
    const { code, file } = await run(
      `import { createOffpath } from $ENTRY;
       const offpath = createOffpath({ handleSignals: true, destinations: [{ name: 'f', type: 'file', path: $FILE, batch: { maxDelayMs: 60000, maxSize: 1000 } }] });
       offpath.emit({ message: 'a' });
       offpath.emit({ message: 'b' });`,
    );
    expect(code).toBe(0);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
