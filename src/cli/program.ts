/**
 * The `offpath` command line: argv → options → command functions. The only layer that prints.
 * @module
 */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { LEVELS, type Level } from '../core/level.js';
import { runDemo } from '../demo/run-demo.js';
import { EMULATOR_KINDS, type EmulatorKind, startEmulator } from '../testing/emulators/start-emulator.js';
import { checkCommand } from './commands/check.js';
import { curlCommand } from './commands/curl.js';
import { dlqExportCommand, dlqListCommand, dlqPurgeCommand, dlqShowCommand } from './commands/dlq.js';
import { dlqReplayCommand } from './commands/dlq-replay.js';
import { previewCommand } from './commands/preview.js';
import { registerProxyCommand } from './commands/proxy.js';
import { sendCommand } from './commands/send.js';
import { spoolStatsCommand } from './commands/spool.js';
import { formatRequestLine } from './emulate-log.js';
import { EXIT } from './exit-codes.js';
import type { CliIo, CommandResult } from './io.js';
import { oneOf, wholeNumber } from './option-parsers.js';
import { DEFAULT_CLI_SPOOL } from './spool-options.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * Builds the program; `exit` receives the exit code of the command that ran. Usage errors (unknown
 * command or option, a missing or bad value) and `--help`/`--version` throw a CommanderError instead
 * of exiting, so that `runCli` maps every outcome to a code in one place.
 */
export function buildProgram(io: CliIo, exit: (code: number) => void): Command {
  const emit = (result: CommandResult): void => {
    if (result.stdout) io.out(result.stdout);
    if (result.stderr) io.err(result.stderr);
    exit(result.exitCode);
  };
  const program = new Command('offpath')
    .description(
      'Capture HTTP traffic and logs and deliver them to Discord, Telegram, Slack and HTTP collectors, off the request path.',
    )
    .version(version, '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    // Inherited by every command added below.
    .exitOverride()
    .addHelpText(
      'after',
      [
        '',
        'Exit codes (every command):',
        `  ${EXIT.ok}  done (the config is valid, the check passed, the message was delivered)`,
        `  ${EXIT.failed}  the config or other input is invalid, or the check or operation failed`,
        `  ${EXIT.usage}  usage error: unknown command or option, missing or bad option value, missing --config file`,
        `  ${EXIT.destinationFailed}  a destination failed a probe or refused the test message`,
      ].join('\n'),
    );

  program
    .command('check')
    .description('validate a config file and explain every problem; --probe also checks each destination')
    .option(
      '-c, --config <file>',
      'config file (default: OFFPATH_CONFIG, offpath.config.* here, or OFFPATH_* variables)',
    )
    .option('--probe', 'check every destination without posting a message where the platform allows it')
    .option('--timeout <ms>', 'deadline of each probe', wholeNumber(1), 5_000)
    .option('--json', 'print the result (problems, probe results) as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  the config is valid (and, with --probe, every destination is ok or was skipped)',
        '  1  the config is invalid',
        '  2  no config was found, the --config file does not exist, or an option is wrong',
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
    .option('--requests <n>', 'calls the sample app makes', wholeNumber(1), 120)
    .option('--interval <ms>', 'pause between calls', wholeNumber(0), 60)
    .option('--keep', 'keep the temporary folder (audit file, spool) to inspect it')
    .action(async (opts: { requests: number; interval: number; keep?: boolean }) => {
      const { ok } = await runDemo({
        requests: opts.requests,
        intervalMs: opts.interval,
        keep: opts.keep ?? false,
        print: (line) => io.out(`${line}\n`),
      });
      exit(ok ? 0 : 1);
    });

  program
    .command('curl')
    .description('turn a request (JSON on stdin) or a HAR file into safe curl commands')
    .option('--har <file>', 'a HAR file: one command per entry')
    .option('-m, --multiline', 'one option (with its value) per line')
    .option('--redact', 'hide secrets and personal data, as offpath does before sending')
    .option(
      '--max-body <bytes>',
      'cut bodies longer than this (default: never, the command is exact)',
      wholeNumber(0),
    )
    .action(async (opts: { har?: string; multiline?: boolean; redact?: boolean; maxBody?: number }) => {
      const stdin = opts.har ? undefined : await readStdin();
      emit(curlCommand({ ...opts, ...(stdin === undefined ? {} : { stdin }) }));
    });

  program
    .command('preview')
    .description('print the exact payloads a destination would send for an event')
    .requiredOption('--to <platform>', 'discord, telegram or slack', oneOf(['discord', 'telegram', 'slack']))
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
    .argument('<platform>', `one of ${EMULATOR_KINDS.join(', ')}`, oneOf(EMULATOR_KINDS))
    .option('-p, --port <port>', 'port on 127.0.0.1 (0 picks a free one)', wholeNumber(0, 65_535), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--quiet', 'do not print a line per request')
    .action(async (platform: EmulatorKind, opts: { port: number; host: string; quiet?: boolean }) => {
      const emulator = await startEmulator(platform, {
        port: opts.port,
        host: opts.host,
        readBack: true,
        ...(opts.quiet ? {} : { onRequest: (record) => io.out(`${formatRequestLine(record)}\n`) }),
      });
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
      exit(EXIT.ok);
    });

  registerProxyCommand(program, io, exit);

  program
    .command('send')
    .description(
      'post one real test message through a destination of the config (checks a Slack webhook too)',
    )
    .requiredOption('--to <name>', "the destination's name in the config")
    .option('-c, --config <file>', 'config file (default: as zero-code mode finds it)')
    .option('--level <level>', 'level of the test message', oneOf(LEVELS), 'info')
    .option('--timeout <ms>', 'how long to wait for delivery, retries included', wholeNumber(1), 15_000)
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes:',
        '  0  the destination accepted the message',
        '  1  the config is invalid',
        '  2  no destination of that name, no config, or a wrong option',
        '  3  the destination refused the message, could not be reached, or did not answer in time',
      ].join('\n'),
    )
    .action(async (opts: { to: string; config?: string; level: Level; timeout: number; json?: boolean }) =>
      emit(
        await sendCommand({
          to: opts.to,
          config: opts.config,
          level: opts.level,
          timeoutMs: opts.timeout,
          json: opts.json ?? false,
        }),
      ),
    );

  program
    .command('serve')
    .description('run the relay: ingest API, OTLP logs, health, metrics, status page (docs/SERVE.md)')
    .option(
      '-c, --config <file>',
      'config file (default: OFFPATH_CONFIG, offpath.config.* here, OFFPATH_* variables, else embedded defaults)',
    )
    .option('--host <host>', 'address to listen on (default: server.host, 127.0.0.1)')
    .option('-p, --port <port>', 'port (default: server.port, 8787)', wholeNumber(0, 65_535))
    .action(async (opts: { config?: string; host?: string; port?: number }) => {
      // Loaded on use: the relay's dependencies (prom-client, protobufjs) stay out of the other commands.
      const { serveCommand } = await import('./commands/serve.js');
      exit(await serveCommand({ ...opts, log: (line) => io.err(`${line}\n`) }));
    });

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
    .option('--limit <n>', 'at most this many', wholeNumber(1), 50)
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
    .option('--timeout <ms>', 'how long to wait for delivery', wholeNumber(1), 30_000)
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
      'only this reason (records: overflow, shutdown, breaker-open, durable, replay; dead letters: rejected, destination_gone, retries_exhausted, format_failed, circuit_open)',
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
