/**
 * Runs the real CLI, or a script under zero-code mode, as a child process, from any working
 * directory. They run the sources compiled by the global setup (build-for-children.ts), as plain
 * JavaScript, the way users run the package.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_BUILD } from './build-for-children.js';

/** The CLI's entry point, as users run it. */
export const CLI = join(TEST_BUILD, 'cli', 'bin.js');
/** The zero-code entry point (`offpath/register`). */
export const REGISTER = join(TEST_BUILD, 'register.js');

/** What a child process printed and how it ended. */
export interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  readonly cwd?: string;
  /** Added to (or, with `undefined` values, removed from) the test's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdin?: string;
  /** Kills the child after this long (the run then fails loudly). @default 60_000 */
  readonly timeoutMs?: number;
}

/** `node ...args`; resolves when the child exits. */
export function runNode(args: readonly string[], options: RunNodeOptions = {}): Promise<ChildRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(options.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the CLI: `offpath ...args`. */
export function runCliChild(args: readonly string[], options: RunNodeOptions = {}): Promise<ChildRun> {
  return runNode([CLI, ...args], options);
}

/** Runs `code` (an ES module) as an app, with or without zero-code mode. */
export function runApp(code: string, options: RunNodeOptions & { register: boolean }): Promise<ChildRun> {
  return runNode(
    [...(options.register ? ['--import', REGISTER] : []), '--input-type=module', '-e', code],
    options,
  );
}

/** Runs `tasks` with at most `limit` at once (child processes on a two-core machine). */
export async function inBatches<T>(tasks: ReadonlyArray<() => Promise<T>>, limit = 3): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
