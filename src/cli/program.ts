/**
 * The `offpath` command line: argv → options → command functions. The only layer that prints.
 * @module
 */
import { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';
import { EMULATOR_KINDS, isEmulatorKind, startEmulator } from '../testing/emulators/start-emulator.js';
import { checkCommand } from './commands/check.js';
import { curlCommand } from './commands/curl.js';
import { previewCommand } from './commands/preview.js';
import type { CommandResult } from './io.js';

/** Output channels, injectable for tests. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Builds the program; `exit` receives the exit code of the command that ran. */
export function buildProgram(
  io: CliIo = processIo,
  exit: (code: number) => void = (code) => {
    process.exitCode = code;
  },
): Command {
  const emit = (result: CommandResult): void => {
    if (result.stdout) io.out(result.stdout);
    if (result.stderr) io.err(result.stderr);
    exit(result.exitCode);
  };
  const program = new Command('offpath')
    .description(
      'Capture HTTP traffic and logs and deliver them to Discord, Telegram, Slack and HTTP collectors, off the request path.',
    )
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command('check')
    .description('validate a config file and explain every problem; --probe also checks each destination')
    .option('-c, --config <file>', 'config file (default: offpath.config.json|yaml in this directory)')
    .option('--probe', 'check every destination without posting a message where the platform allows it')
    .option('--timeout <ms>', 'deadline of each probe', (v) => Number(v), 5_000)
    .option('--json', 'print the probe results as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  the config is valid (and, with --probe, every destination is ok or was skipped)',
        '  1  the config is invalid',
        '  2  no config file was found, or an option is wrong',
        '  3  the config is valid but a destination failed or could not be reached (--probe)',
      ].join('\n'),
    )
    .action(async (opts: { config?: string; probe?: boolean; timeout: number; json?: boolean }) =>
      emit(
        await checkCommand({
          config: opts.config,
          probe: opts.probe ?? false,
          timeoutMs: opts.timeout,
          json: opts.json ?? false,
        }),
      ),
    );

  program
    .command('demo')
    .description('run the main job end to end on this machine, with no setup')
    .option('--requests <n>', 'calls the sample app makes', (v) => Number.parseInt(v, 10), 120)
    .option('--interval <ms>', 'pause between calls', (v) => Number.parseInt(v, 10), 60)
    .action(async (opts: { requests: number; interval: number }) => {
      const { ok } = await runDemo({
        requests: opts.requests,
        intervalMs: opts.interval,
        print: (line) => io.out(`${line}\n`),
      });
      exit(ok ? 0 : 1);
    });

  program
    .command('curl')
    .description('turn a request (JSON on stdin) or a HAR file into safe curl commands')
    .option('--har <file>', 'a HAR file: one command per entry')
    .option('-m, --multiline', 'one argument per line')
    .option('--redact', 'hide secrets and personal data, as offpath does before sending')
    .action(async (opts: { har?: string; multiline?: boolean; redact?: boolean }) => {
      const stdin = opts.har ? undefined : await readStdin();
      emit(curlCommand({ ...opts, ...(stdin === undefined ? {} : { stdin }) }));
    });

  program
    .command('preview')
    .description('print the exact payloads a destination would send for an event')
    .requiredOption('--to <platform>', 'discord, telegram or slack')
    .requiredOption('--event <file>', 'an event (or a list of events) as JSON or YAML')
    .option(
      '--template <file>',
      'message templates by kind, as JSON or YAML: {"http": {"title": "…", "body": "…"}}',
    )
    .option('--service <name>', 'service name for the footer')
    .option('--html <file>', 'also write an HTML page that shows the messages as the app would')
    .action((opts: { to: string; event: string; template?: string; service?: string; html?: string }) =>
      emit(previewCommand(opts)),
    );

  program
    .command('emulate')
    .description('run a local Discord, Telegram, Slack or collector emulator (for your own tests and demos)')
    .argument('<platform>', `one of ${EMULATOR_KINDS.join(', ')}`)
    .option('-p, --port <port>', 'port on 127.0.0.1 (0 picks a free one)', (v) => Number.parseInt(v, 10), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (platform: string, opts: { port: number; host: string }) => {
      if (!isEmulatorKind(platform)) {
        io.err(
          `offpath emulate: unknown platform "${platform}" (choose one of ${EMULATOR_KINDS.join(', ')})\n`,
        );
        exit(2);
        return;
      }
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65_535) {
        io.err(`offpath emulate: --port must be a whole number from 0 to 65535\n`);
        exit(2);
        return;
      }
      const emulator = await startEmulator(platform, { port: opts.port, host: opts.host });
      io.out(`${emulator.describe().join('\n')}\n`);
      io.out('Press Ctrl+C to stop.\n');
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void emulator.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      exit(0);
    });

  return program;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
