/**
 * A TypeScript fixture run as a child process, its stdout read line by line, for the kill -9 tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A running child and what it printed so far. */
export interface LineChild {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<void>;
  /** Resolves with the first line (printed so far or later) that matches `pattern`. */
  line(pattern: RegExp): Promise<string>;
}

/** Runs `script` with the TypeScript loader and `env` added to the test's environment. */
export function startLineChild(script: string, env: Record<string, string>): LineChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  return {
    child,
    lines,
    exited: new Promise((resolve) => child.once('exit', () => resolve())),
    line: (pattern) =>
      new Promise((resolve) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen) resolve(seen);
        else waiters.push({ pattern, resolve });
      }),
  };
}

/** A deterministic generator in 0..1, so the kill moments are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
