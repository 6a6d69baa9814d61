/**
 * Plain-text rendering of a record for terminals and log files, compact (one line) or expanded.
 * @module
 */
import type { EventRecord } from '../../core/event.js';
import type { Level } from '../../core/level.js';

/** ANSI colours per level; empty strings when colour is off. */
const LEVEL_COLOURS: Readonly<Record<Level, string>> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  critical: '\x1b[41m\x1b[97m',
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** Rendering options. */
export interface RenderLineOptions {
  readonly style: 'compact' | 'expanded';
  readonly color: boolean;
  /** Renders an HTTP request as a command line (curl), when available. */
  readonly curl?: ((request: NonNullable<EventRecord['http']>['request']) => string) | undefined;
}

/** Renders one record; never throws on any record shape normalisation produces. */
export function renderLine(record: EventRecord, options: RenderLineOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${RESET}` : text);
  const time = new Date(record.time).toISOString();
  const level = paint(LEVEL_COLOURS[record.level], record.level.toUpperCase().padEnd(8));
  const head = [paint(DIM, time), level, `[${clean(record.kind)}]`, clean(headline(record))].join(' ');
  if (options.style === 'compact') {
    const extras = Object.entries(record.fields).map(([k, v]) => clean(`${k}=${oneLine(JSON.stringify(v))}`));
    return [head, ...extras].join(' ');
  }
  const lines = [head];
  if (record.message && record.title) lines.push(indent(record.message));
  for (const [k, v] of Object.entries(record.fields)) lines.push(indent(`${k}: ${JSON.stringify(v)}`));
  if (record.tags.length > 0) lines.push(indent(`tags: ${record.tags.join(', ')}`));
  if (record.digest) {
    lines.push(
      indent(
        `×${record.digest.count} between ${new Date(record.digest.firstTime).toISOString()} and ${new Date(record.digest.lastTime).toISOString()}`,
      ),
    );
  }
  const http = record.http;
  if (http) {
    if (options.curl) lines.push(indent(options.curl(http.request)));
    if (http.response?.body) lines.push(indent(`response: ${http.response.body.data}`));
  }
  if (record.error?.stack) lines.push(indent(record.error.stack));
  else if (record.error) lines.push(indent(`${record.error.name}: ${record.error.message}`));
  return [lines[0], ...lines.slice(1).map(clean)].join('\n');
}

function headline(record: EventRecord): string {
  const http = record.http;
  if (http) {
    const status = http.response ? String(http.response.status) : (http.error?.code ?? 'ERR');
    const duration =
      http.response?.durationMs === undefined ? '' : ` ${Math.round(http.response.durationMs)}ms`;
    const text = record.title ?? record.message;
    return `${http.request.method} ${http.request.url} → ${status}${duration}${text ? ` — ${oneLine(text)}` : ''}`;
  }
  const text = [record.title, record.message].filter(Boolean).join(' — ');
  return oneLine(text || record.error?.message || '(no message)');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ');
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}

/**
 * Replaces control characters from event content, ESC included, so a log line cannot rewrite the
 * operator's terminal. Only our own colour codes, added around trusted parts, reach the output.
 * Tab and newline survive.
 */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '�');
}
