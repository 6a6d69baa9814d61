/**
 * The exit codes every command follows, and the one place that maps an error reaching the top of a
 * command to its code. A command added to the program gets this behaviour without doing anything.
 * @module
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../resilience/errors.js';

/** Exit codes of every `offpath` command, for scripts. */
export const EXIT = {
  /** Done; the config is valid, the check passed, the message was delivered. */
  ok: 0,
  /** The config (or other input) is invalid, or the check or operation failed. */
  failed: 1,
  /** The command line is wrong: unknown command or option, a missing or bad option value, a file an option names does not exist. */
  usage: 2,
  /** A destination failed a probe or refused the test message. */
  destinationFailed: 3,
} as const;

/** A wrong command line, found by a command itself (a file named by `--config` that does not exist). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What to print (undefined when it was already printed) and the exit code, for an error a command threw. */
export function exitFor(error: unknown): { readonly code: number; readonly message: string | undefined } {
  if (error instanceof CommanderError) {
    // Commander printed its own message (or the help) before throwing. Help asked for (`--help`,
    // `offpath help`) exits 0; help shown because no command was given exits like any usage error.
    const asked =
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      (error.code === 'commander.help' && error.exitCode === 0);
    return { code: asked ? EXIT.ok : EXIT.usage, message: undefined };
  }
  if (error instanceof UsageError) return { code: EXIT.usage, message: `offpath: ${error.message}\n` };
  if (error instanceof ConfigError) return { code: EXIT.failed, message: `✗ ${error.message}\n` };
  const message = error instanceof Error ? error.message : String(error);
  return { code: EXIT.failed, message: `offpath: ${message}\n` };
}
