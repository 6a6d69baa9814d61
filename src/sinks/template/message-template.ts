/**
 * User templates for message titles and bodies, per destination and kind, on mustache (logic-less;
 * `{{#section}}…{{/section}}` shows a part only when the value is there). Templates render plain text:
 * each platform then escapes it and applies its limits, so a template cannot inject markup or pings.
 * @module
 */
import Mustache from 'mustache';
import type { EventRecord } from '../../core/event.js';
import { ConfigError, type ConfigIssue } from '../../resilience/errors.js';

/** Templates of one kind of event. */
export interface MessageTemplate {
  /** Replaces the title. */
  readonly title?: string | undefined;
  /** Replaces the summary under the title. */
  readonly body?: string | undefined;
}

/** Templates by event kind (`http`, `log`, `alert`, `digest`, a custom kind, or `*` for any). */
export type MessageTemplates = Readonly<Record<string, MessageTemplate>>;

/**
 * What a template can use: `{{level}}`, `{{kind}}`, `{{title}}`, `{{message}}`, `{{service}}`,
 * `{{time}}` (ISO), `{{fingerprint}}`, `{{#tags}}{{.}}{{/tags}}`, `{{#fields}}{{name}}={{value}}{{/fields}}`,
 * `{{#http}}{{method}} {{url}} → {{status}} in {{durationMs}} ms{{/http}}`,
 * `{{#error}}{{name}}: {{message}}{{/error}}`, `{{#digest}}×{{count}}{{/digest}}`.
 */
export function templateContext(record: EventRecord, service?: string): Record<string, unknown> {
  const http = record.http;
  return {
    level: record.level,
    kind: record.kind,
    title: record.title,
    message: record.message,
    service,
    time: new Date(record.time).toISOString(),
    fingerprint: record.fingerprint,
    tags: record.tags,
    fields: Object.entries(record.fields).map(([name, value]) => ({
      name,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    })),
    http: http && {
      method: http.request.method,
      url: http.request.url,
      status: http.response?.status,
      durationMs: http.response?.durationMs === undefined ? undefined : Math.round(http.response.durationMs),
      errorCode: http.error?.code,
      errorMessage: http.error?.message,
    },
    error: record.error,
    digest: record.digest && { ...record.digest, count: record.digest.count.toLocaleString('en-US') },
  };
}

/**
 * Checks every template parses, so a typo fails at start-up with the field that holds it.
 * @throws ConfigError
 */
export function checkTemplates(templates: MessageTemplates, where: string): void {
  const problems: ConfigIssue[] = [];
  for (const [kind, template] of Object.entries(templates)) {
    for (const part of ['title', 'body'] as const) {
      const text = template[part];
      if (text === undefined) continue;
      const problem = templateProblem(text);
      if (problem)
        problems.push({ path: `${where}.${kind}.${part}`, message: problem, hint: 'check the {{…}} tags' });
    }
  }
  if (problems.length > 0) throw ConfigError.fromIssues('invalid template', problems);
}

/** Why mustache cannot parse `text` (an unclosed section, a bad tag), or undefined when it can. */
export function templateProblem(text: string): string | undefined {
  try {
    Mustache.parse(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Renders the template for the record's kind (or `*`), as plain text; undefined parts stay default. */
export function renderTemplate(
  templates: MessageTemplates | undefined,
  record: EventRecord,
  service?: string,
): MessageTemplate | undefined {
  const template = templates?.[record.kind] ?? templates?.['*'];
  if (!template) return undefined;
  const context = templateContext(record, service);
  // Plain text out: escaping belongs to each platform's formatter, not to HTML.
  const render = (text: string | undefined): string | undefined =>
    text === undefined
      ? undefined
      : Mustache.render(text, context, {}, { escape: (value: unknown) => String(value) }).trim();
  return { title: render(template.title), body: render(template.body) };
}
