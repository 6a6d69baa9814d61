/**
 * A platform-neutral view of one record: what a person needs to act on it, in the order they read it.
 * Each platform renderer turns this into its own markup within its own limits.
 * @module
 */
import type { BodyRecord, EventRecord, HttpRecord } from '../../core/event.js';
import type { Level } from '../../core/level.js';
import { type MessageTemplates, renderTemplate } from '../template/message-template.js';
import { localSpan } from './local-time.js';

/** A labelled value shown as a short fact (status, duration, a field). */
export interface Fact {
  readonly name: string;
  readonly value: string;
}

/** A preformatted block (curl, body excerpt, stack). */
export interface CodeBlock {
  readonly label: string;
  /** Syntax hint: bash, json, text. */
  readonly lang: string;
  readonly text: string;
}

/** Everything a renderer shows for one record. */
export interface MessageView {
  readonly level: Level;
  readonly emoji: string;
  /** 0xRRGGBB. */
  readonly color: number;
  readonly title: string;
  readonly summary: string | undefined;
  readonly facts: readonly Fact[];
  readonly blocks: readonly CodeBlock[];
  /** Digest groups, largest first: "×120 GET a.io/x → 503". */
  readonly groups: ReadonlyArray<{ readonly count: number; readonly label: string }>;
  readonly footer: string;
  readonly time: number;
}

/** Options of {@link buildView}. */
export interface ViewOptions {
  /** Service name shown in the footer. */
  readonly service?: string | undefined;
  /** Renders the request as a command line; absent means no curl block. */
  readonly curl?: ((request: HttpRecord['request']) => string) | undefined;
  /** User templates for the title and summary, by event kind. */
  readonly templates?: MessageTemplates | undefined;
  /**
   * IANA time zone of the times written into the text (a digest's span); the platforms render the
   * message's own timestamp in each reader's zone already.
   * @default the process's local zone
   */
  readonly timeZone?: string | undefined;
}

const LEVEL_STYLE: Readonly<Record<Level, { emoji: string; color: number }>> = {
  trace: { emoji: '⚪', color: 0x95a5a6 },
  debug: { emoji: '🔵', color: 0x3498db },
  info: { emoji: '🟢', color: 0x2ecc71 },
  warn: { emoji: '🟠', color: 0xf39c12 },
  error: { emoji: '🔴', color: 0xe74c3c },
  critical: { emoji: '🚨', color: 0x8e0000 },
};

/** Builds the view of a record. */
export function buildView(record: EventRecord, options: ViewOptions = {}): MessageView {
  const style = LEVEL_STYLE[record.level];
  const http = record.http;
  const facts: Fact[] = [];
  const blocks: CodeBlock[] = [];
  if (http) {
    if (http.response) facts.push({ name: 'Status', value: String(http.response.status) });
    if (http.response?.durationMs !== undefined)
      facts.push({ name: 'Duration', value: `${Math.round(http.response.durationMs)} ms` });
    if (http.error)
      facts.push({ name: 'Error', value: [http.error.code, http.error.message].filter(Boolean).join(': ') });
    if (options.curl) blocks.push({ label: 'Reproduce', lang: 'bash', text: options.curl(http.request) });
    // A digest repeats a problem already shown in full: the command is enough.
    if (http.request.body && !record.digest)
      blocks.push({
        label: 'Request body',
        lang: langOf(http.request.body),
        text: bodyText(http.request.body),
      });
    if (http.response?.body && !record.digest)
      blocks.push({
        label: 'Response body',
        lang: langOf(http.response.body),
        text: bodyText(http.response.body),
      });
  }
  for (const [name, value] of Object.entries(record.fields)) {
    facts.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) });
  }
  if (record.tags.length > 0) facts.push({ name: 'Tags', value: record.tags.join(', ') });
  if (record.error && !record.digest) {
    blocks.push({
      label: record.error.name,
      lang: 'text',
      text: record.error.stack ?? `${record.error.name}: ${record.error.message}`,
    });
  }
  const groups = (record.digest?.groups ?? []).map((g) => ({ count: g.count, label: g.sample }));
  const custom = renderTemplate(options.templates, record, options.service);
  return {
    level: record.level,
    emoji: record.kind === 'digest' ? '🧮' : style.emoji,
    color: style.color,
    title: custom?.title || titleOf(record),
    summary: custom?.body === undefined ? summaryOf(record, options.timeZone) : custom.body || undefined,
    facts,
    blocks,
    groups: record.digest && groups.length > 1 ? groups : [],
    footer: [options.service, record.kind, record.level].filter(Boolean).join(' · '),
    time: record.time,
  };
}

function titleOf(record: EventRecord): string {
  if (record.title) return record.title;
  const http = record.http;
  if (http) {
    const outcome = http.response ? String(http.response.status) : (http.error?.code ?? 'failed');
    return `${http.request.method} ${shortUrl(http.request.url)} → ${outcome}`;
  }
  if (record.error) return `${record.error.name}: ${record.error.message}`;
  return record.message?.split('\n')[0] ?? record.kind;
}

function summaryOf(record: EventRecord, timeZone: string | undefined): string | undefined {
  const parts: string[] = [];
  if (record.http && record.title) parts.push(`${record.http.request.method} ${record.http.request.url}`);
  else if (record.http) parts.push(record.http.request.url);
  if (record.message && (record.title || record.http || record.error)) parts.push(record.message);
  else if (record.message?.includes('\n')) parts.push(record.message);
  if (record.digest) {
    const span = Math.max(1, Math.round((record.digest.lastTime - record.digest.firstTime) / 1000));
    parts.push(
      `×${record.digest.count.toLocaleString('en-US')} between ${localSpan(record.digest.firstTime, record.digest.lastTime, timeZone)} (${span} s)`,
    );
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

function shortUrl(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^?#]*)/i.exec(url);
  return m ? m[1]! : url;
}

function bodyText(body: BodyRecord): string {
  const text =
    body.encoding === 'base64' ? `(binary, ${body.size ?? '?'} bytes, base64) ${body.data}` : body.data;
  if (body.encoding === 'utf8' && /^\s*[[{]/.test(text)) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2) + (body.truncated ? '\n…(truncated)' : '');
    } catch {
      // Not complete JSON (cut short): show it as it is.
    }
  }
  return body.truncated ? `${text}\n…(truncated)` : text;
}

function langOf(body: BodyRecord): string {
  return body.encoding === 'utf8' && /^\s*[[{]/.test(body.data) ? 'json' : 'text';
}
