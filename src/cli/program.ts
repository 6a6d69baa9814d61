/**
 * The `offpath` command line: argv → options → command functions. The only layer that prints.
 * @module
 */
import { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';
import { EMULATOR_KINDS, isEmulatorKind, startEmulator } from '../testing/emulators/start-emulator.js';
import { checkCommand } from './commands/check.js';
import { curlCommand } from './commands/curl.js';
import { dlqExportCommand, dlqListCommand, dlqPurgeCommand, dlqShowCommand } from './commands/dlq.js';
import { dlqReplayCommand } from './commands/dlq-replay.js';
import { previewCommand } from './commands/preview.js';
import { registerProxyCommand } from './commands/proxy.js';
import { spoolStatsCommand } from './commands/spool.js';
import type { CommandResult } from './io.js';
import { DEFAULT_CLI_SPOOL } from './spool-options.js';

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

  registerProxyCommand(program, io, exit);

  const spool = program.command('spool').description('inspect the durable spool');
  withFilters(
    spool.command('stats').description('records waiting and dead letters, by destination and reason'),
  )
    .option('--json', 'print JSON')
    .action((opts: SpoolCliOptions & { json?: boolean }) => emit(spoolStatsCommand(opts)));

  const dlq = program
    .command('dlq')
    .description(
      'dead letters: events that failed for good (payload rejected, destination gone, retries exhausted)',
    );
  withFilters(dlq.command('list').description('list dead letters, oldest first'))
    .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 50)
    .option('--json', 'print JSON')
    .action((opts: SpoolCliOptions & { limit: number; json?: boolean }) => emit(dlqListCommand(opts)));
  withSpoolFile(
    dlq.command('show').description('print one dead letter in full').argument('<id>', 'its id'),
  ).action((id: string, opts: SpoolCliOptions) => emit(dlqShowCommand(id, opts)));
  withFilters(
    dlq.command('export').description('print dead letters as NDJSON (one JSON object per line)'),
  ).action((opts: SpoolCliOptions) => emit(dlqExportCommand(opts)));
  withFilters(dlq.command('purge').description('delete dead letters (a filter or --all is required)'))
    .option('--all', 'purge every dead letter')
    .action((opts: SpoolCliOptions & { all?: boolean }) => emit(dlqPurgeCommand(opts)));
  withFilters(
    dlq
      .command('replay')
      .description("deliver dead letters again through the normal pipeline, using the config's destinations"),
  )
    .option('--timeout <ms>', 'how long to wait for delivery', (v) => Number.parseInt(v, 10), 30_000)
    .action(async (opts: SpoolCliOptions & { timeout: number }) =>
      emit(await dlqReplayCommand({ ...opts, timeoutMs: opts.timeout })),
    );

  return program;
}

/** Options of the spool and dlq commands as commander passes them. */
interface SpoolCliOptions {
  spool?: string;
  config?: string;
  destination?: string;
  since?: string;
  reason?: string;
}

function withSpoolFile(command: Command): Command {
  return command
    .option('--spool <file>', `spool file (default: the config's spool.path, else ${DEFAULT_CLI_SPOOL})`)
    .option('-c, --config <file>', 'config file (default: offpath.config.json|yaml in this directory)');
}

function withFilters(command: Command): Command {
  return withSpoolFile(command)
    .option('--destination <name>', 'only this destination')
    .option('--since <when>', 'only entries since a duration ago (30m, 2h, 7d) or a date (2026-11-20)')
    .option(
      '--reason <reason>',
      'only this reason (records: overflow, shutdown, breaker-open, durable, replay; dead letters: rejected, destination_gone, retries_exhausted, format_failed)',
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
