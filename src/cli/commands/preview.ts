/**
 * `offpath preview --to discord --event sample.json [--template FILE] [--html out.html]`: prints the
 * exact payloads a destination would send for an event, after normalisation and redaction.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { EventRecord } from '../../core/event.js';
import { normalizeEvent } from '../../core/normalize/normalize-event.js';
import { createRedactor } from '../../redact/redactor.js';
import { isOffpathError } from '../../resilience/errors.js';
import { formatDiscord } from '../../sinks/discord/discord-format.js';
import { formatSlack } from '../../sinks/slack/slack-format.js';
import { formatTelegram } from '../../sinks/telegram/telegram-format.js';
import { checkTemplates, type MessageTemplates } from '../../sinks/template/message-template.js';
import { withCurl } from '../../sinks/view/with-curl.js';
import { previewHtml } from '../../testing/preview-html.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { type CommandResult, fail, ok } from '../io.js';

const TARGETS = ['discord', 'telegram', 'slack'] as const;

/** Options of the preview command. */
export interface PreviewOptions {
  readonly to: string;
  readonly event: string;
  readonly template?: string;
  readonly service?: string;
  readonly html?: string;
}

/**
 * Prints the payloads. Exit 1 when the event or template file is invalid.
 * @throws UsageError when `--to` is unknown or a file named by an option does not exist (exit 2).
 */
export function previewCommand(options: PreviewOptions): CommandResult {
  if (!(TARGETS as readonly string[]).includes(options.to))
    throw new UsageError(`preview: --to must be one of ${TARGETS.join(', ')}`);
  for (const [option, path] of [
    ['--event', options.event],
    ['--template', options.template],
  ] as const) {
    if (path !== undefined && !existsSync(path)) throw new UsageError(`${option} ${path}: no such file`);
  }
  try {
    const events = [read(options.event, 'event')].flat();
    const redactor = createRedactor();
    const records: EventRecord[] = events.map((e, i) =>
      redactor.record(normalizeEvent(e, { id: i + 1, receivedAt: Date.now() })),
    );
    const templates = options.template ? (read(options.template, 'template') as MessageTemplates) : undefined;
    if (templates) checkTemplates(templates, options.template!);
    const view = withCurl({ service: options.service, templates });
    const payloads =
      options.to === 'discord'
        ? formatDiscord(records, view).map((m) => m.payload)
        : options.to === 'telegram'
          ? formatTelegram(records, { ...view, chatId: '<chat id>' }).map((m) => m.payload)
          : formatSlack(records, view).map((m) => m.payload);
    if (options.html) writeFileSync(options.html, previewHtml({ [options.to]: payloads }));
    return ok(`${JSON.stringify(payloads, null, 2)}\n`);
  } catch (error) {
    if (isOffpathError(error)) return fail(`offpath preview: ${error.message}\n`, EXIT.failed);
    return fail(`offpath preview: ${(error as Error).message}\n`, EXIT.failed);
  }
}

function read(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`cannot read the ${what} file ${path}`);
  }
  try {
    return ['.yaml', '.yml'].includes(extname(path)) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'JSON or YAML'} (${(error as Error).message})`,
    );
  }
}
