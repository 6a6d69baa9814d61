/**
 * The CLI's only door to the terminal: commands return text and an exit code, and `bin.ts` prints.
 * Keeping commands pure makes them testable without spawning processes.
 * @module
 */

/** What a command produced. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** A successful result. */
export function ok(stdout: string): CommandResult {
  return { stdout, stderr: '', exitCode: 0 };
}

/** A failed result. */
export function fail(stderr: string, exitCode = 1, stdout = ''): CommandResult {
  return { stdout, stderr, exitCode };
}

/** Output channels, injectable for tests. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
