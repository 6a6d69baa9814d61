/**
 * `offpath proxy --target URL --port P [--header 'name: value']... [--inactivity-timeout MS]
 * [--config FILE]`: the gateway in one line. Destinations (and proxies, when no `--target` is given)
 * come from the config file, or the console when there is none. Runs until SIGINT/SIGTERM, then lets
 * exchanges in flight finish (up to the config's `closeTimeoutMs`) and flushes the traces.
 * @module
 */
import type { Command } from 'commander';
import type { OffpathConfig } from '../../config/config-schema.js';
import { interpolateText, loadConfigFile } from '../../config/load-config-file.js';
import type { ProxyOptions } from '../../gateway/proxy-options.js';
import { type RunningGateway, startGateway } from '../../gateway/start-gateway.js';
import { createOffpath, type Offpath } from '../../instance/create-offpath.js';
import { isOffpathError } from '../../resilience/errors.js';
import type { CliIo } from '../io.js';

/** Options of the proxy command, as commander parses them. */
export interface ProxyCliOptions {
  readonly target?: string;
  readonly port: number;
  readonly host: string;
  readonly path?: string;
  readonly header: readonly string[];
  readonly inactivityTimeout?: number;
  readonly timeout?: number;
  readonly authTokenEnv?: string;
  readonly config?: string;
}

/** Exit codes of `offpath proxy`. */
export const PROXY_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage problem: which option, why, and how to fix it. */
class UsageError extends Error {}

/** Builds the proxies and the instance config from the command line (and the config file). */
export function proxySetup(
  opts: ProxyCliOptions,
  env: NodeJS.ProcessEnv = process.env,
): { config: OffpathConfig; proxies: ProxyOptions[] } {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65_535) {
    throw new UsageError('--port must be a whole number from 0 to 65535');
  }
  for (const [flag, value] of [
    ['--inactivity-timeout', opts.inactivityTimeout],
    ['--timeout', opts.timeout],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new UsageError(`${flag} must be a whole number of milliseconds above 0`);
    }
  }
  const file = opts.config === undefined ? undefined : loadConfigFile(opts.config, env);
  const config: OffpathConfig = file
    ? { ...file, handleSignals: false }
    : { destinations: [{ name: 'console', type: 'console' }], handleSignals: false };
  if (opts.target === undefined) {
    if (!file?.proxies?.length) {
      throw new UsageError('give --target URL, or a --config file with a proxies list');
    }
    return { config, proxies: file.proxies as ProxyOptions[] };
  }
  const missing: string[] = [];
  const headers: Record<string, string> = {};
  for (const line of opts.header) {
    const colon = line.indexOf(':');
    if (colon < 1) throw new UsageError(`--header "${line.slice(0, 40)}": write it as 'name: value'`);
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] = interpolateText(line.slice(colon + 1).trim(), env, `--header ${name}`, missing);
  }
  const tokens = opts.authTokenEnv === undefined ? undefined : env[opts.authTokenEnv];
  if (opts.authTokenEnv !== undefined && !tokens)
    missing.push(`--auth-token-env: ${opts.authTokenEnv} is not set`);
  if (missing.length > 0)
    throw new UsageError(`environment variables are not set:\n  - ${missing.join('\n  - ')}`);
  const proxy: ProxyOptions = {
    target: opts.target,
    ...(opts.path === undefined ? {} : { path: opts.path }),
    headers,
    ...(opts.inactivityTimeout === undefined ? {} : { inactivityTimeoutMs: opts.inactivityTimeout }),
    ...(opts.timeout === undefined ? {} : { timeoutMs: opts.timeout }),
    ...(tokens ? { auth: tokens.split(',').map((t) => t.trim()) } : {}),
  };
  return { config, proxies: [proxy] };
}

/** Registers the command on the program. */
export function registerProxyCommand(program: Command, io: CliIo, exit: (code: number) => void): void {
  program
    .command('proxy')
    .description(
      'run a tracing reverse proxy: every failing or slow exchange is delivered to your destinations',
    )
    .option('--target <url>', 'upstream origin (optionally with a base path)')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', (v) => Number(v), 8080)
    .option('--host <host>', 'address to listen on (a public one needs auth tokens)', '127.0.0.1')
    .option('--path <prefix>', 'path prefix served (removed before forwarding)', undefined)
    .option(
      '-H, --header <header>',
      "header set upstream, 'name: value'; ${VAR} is read from the environment (repeatable)",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--inactivity-timeout <ms>', 'end a response whose upstream sends nothing this long', (v) =>
      Number(v),
    )
    .option('--timeout <ms>', 'time the upstream has to send its response headers', (v) => Number(v))
    .option('--auth-token-env <name>', 'environment variable holding the client tokens (comma-separated)')
    .option('-c, --config <file>', 'config file: destinations, and proxies when --target is not given')
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        "  offpath proxy --target https://api.openai.com --port 8080 --header 'authorization: Bearer ${OPENAI_API_KEY}'",
        '',
        'Exit codes: 0 stopped by a signal, 1 invalid config or could not start, 2 wrong option.',
      ].join('\n'),
    )
    .action(async (opts: ProxyCliOptions) => exit(await runProxy(opts, io)));
}

/** Runs the proxy until SIGINT/SIGTERM; resolves with the exit code. */
export async function runProxy(
  opts: ProxyCliOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let offpath: Offpath | undefined;
  let running: RunningGateway;
  try {
    const { config, proxies } = proxySetup(opts, env);
    offpath = createOffpath(config);
    running = await startGateway({ proxies, host: opts.host, port: opts.port }, offpath);
  } catch (error) {
    await offpath?.close({ timeoutMs: 1_000 });
    if (error instanceof UsageError) {
      io.err(`offpath proxy: ${error.message}\n`);
      return PROXY_EXIT.usage;
    }
    const message = isOffpathError(error) || error instanceof Error ? error.message : String(error);
    io.err(`offpath proxy: ${message}\n`);
    return PROXY_EXIT.failed;
  }
  const instance = offpath;
  for (const p of running.gateway.proxies) {
    io.out(
      `offpath proxy: ${running.url}${p.path === '/' ? '' : p.path} → ${p.target}${p.auth ? ' (token required)' : ''}\n`,
    );
  }
  const destinations = instance.config.destinations.map((d) => d.name).join(', ');
  io.out(`traces go to: ${destinations}. Ctrl+C stops.\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const timeoutMs = instance.config.closeTimeoutMs ?? 10_000;
  io.out('offpath proxy: draining…\n');
  await running.close({ timeoutMs });
  const result = await instance.close({ timeoutMs });
  io.out(
    `offpath proxy: stopped (${result.complete ? 'every trace delivered' : `${result.cutOff} traces cut off`})\n`,
  );
  return PROXY_EXIT.ok;
}
