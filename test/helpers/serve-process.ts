/**
 * Runs `offpath serve` as a child process (the real CLI through tsx), reads its log from stderr and
 * resolves its URL once it listens. Killed after the test if still running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { onCleanup } from './cleanups.js';

const BIN = join(import.meta.dirname, '../../src/cli/bin.ts');
/** tsx resolved from the repository, since the child runs in a directory of its own. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A running `offpath serve`. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every line printed so far (stdout and stderr). */
  readonly lines: string[];
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Starts `offpath serve <args>` in `cwd`. */
export async function startServe(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', TSX, BIN, 'serve', ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onLine = (line: string): void => {
      lines.push(line);
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) =>
      reject(new Error(`offpath serve exited with ${code} before listening:\n${lines.join('\n')}`)),
    );
  });
  return { child, url, lines, exited };
}
