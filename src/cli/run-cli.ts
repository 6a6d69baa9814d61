/**
 * Runs the `offpath` command line and returns its exit code. Every outcome is mapped here, once:
 * a command's own result, a usage error found by commander or by a command, an invalid config, or an
 * unexpected failure (printed as one line, never a stack trace).
 * @module
 */
import { exitFor } from './exit-codes.js';
import type { CliIo } from './io.js';
import { buildProgram } from './program.js';

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * @param argv the arguments after the program name (`['check', '--json']`)
 * @example
 * process.exitCode = await runCli(process.argv.slice(2));
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code: number = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    const outcome = exitFor(error);
    if (outcome.message) io.err(outcome.message);
    code = outcome.code;
  }
  return code;
}
