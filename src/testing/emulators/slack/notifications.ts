/**
 * What a Slack channel would show for a webhook payload and whom it would notify. Slack turns
 * `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>` and `<!subteam^S…>` into notifications; escaped text
 * (`&lt;!channel&gt;`) does not notify. With `link_names` bare `@channel`/`@here`/`@everyone` notify too.
 * @module
 */
import { type Fields, isObject } from '../body.js';

/** Notifications a message would cause. */
export interface SlackNotifications {
  readonly channel: boolean;
  readonly here: boolean;
  readonly everyone: boolean;
  /** User ids mentioned with `<@U…>`. */
  readonly users: readonly string[];
  /** User-group ids mentioned with `<!subteam^S…>`. */
  readonly userGroups: readonly string[];
  /** True when anything at all would notify. */
  readonly any: boolean;
}

type Payload = Fields<'text' | 'blocks' | 'attachments' | 'link_names'>;

/** Every piece of text Slack renders with mrkdwn: top-level text, block texts, attachment texts. */
export function renderedTexts(payload: Record<string, unknown>): string[] {
  const p = payload as Payload;
  const out: string[] = [];
  if (typeof p.text === 'string') out.push(p.text);
  const visit = (node: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(node)) for (const n of node) visit(n, depth + 1);
    else if (isObject(node)) {
      const n = node as Fields<'type' | 'text' | 'range' | 'user_id'>;
      if (n.type === 'mrkdwn' && typeof n.text === 'string') out.push(n.text);
      if (n.type === 'markdown' && typeof n.text === 'string') out.push(n.text);
      if (n.type === 'broadcast' && typeof n.range === 'string') out.push(`<!${n.range}>`);
      if (n.type === 'user' && typeof n.user_id === 'string') out.push(`<@${n.user_id}>`);
      for (const v of Object.values(node)) if (typeof v === 'object') visit(v, depth + 1);
    }
  };
  visit(p.blocks, 0);
  if (Array.isArray(p.attachments)) {
    for (const a of p.attachments) {
      const att = (isObject(a) ? a : {}) as Fields<'text' | 'pretext' | 'fields' | 'blocks'>;
      for (const t of [att.text, att.pretext]) if (typeof t === 'string') out.push(t);
      if (Array.isArray(att.fields)) {
        for (const f of att.fields) {
          const value = isObject(f) ? (f as Fields<'value'>).value : undefined;
          if (typeof value === 'string') out.push(value);
        }
      }
      visit(att.blocks, 0);
    }
  }
  return out;
}

/** Whom the payload would notify. */
export function findNotifications(payload: Record<string, unknown>): SlackNotifications {
  const texts = renderedTexts(payload).join('\n');
  const linkNames = [true, 1, '1', 'true'].includes((payload as Payload).link_names as never);
  const special = (name: string): boolean =>
    new RegExp(`<!${name}(\\|[^>]*)?>`).test(texts) ||
    (linkNames && new RegExp(`(^|\\s)@${name}\\b`).test(texts));
  const users = [...new Set([...texts.matchAll(/<@([UW][A-Z0-9]+)(\|[^>]*)?>/g)].map((m) => m[1] ?? ''))];
  const userGroups = [
    ...new Set([...texts.matchAll(/<!subteam\^([A-Z0-9]+)(\|[^>]*)?>/g)].map((m) => m[1] ?? '')),
  ];
  const result = {
    channel: special('channel'),
    here: special('here'),
    everyone: special('everyone'),
    users,
    userGroups,
  };
  return {
    ...result,
    any: result.channel || result.here || result.everyone || users.length > 0 || userGroups.length > 0,
  };
}

/** Approximates what the channel shows for one mrkdwn text: links as labels, mentions as `@name`, entities decoded. */
export function displayText(text: string): string {
  return text
    .replace(/<!(channel|here|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(
      /<!subteam\^([A-Z0-9]+)(\|([^>]*))?>/g,
      (_m, id: string, _l, label?: string) => label ?? `@${id}`,
    )
    .replace(/<@([UW][A-Z0-9]+)(\|([^>]*))?>/g, (_m, id: string, _l, label?: string) => `@${label ?? id}`)
    .replace(/<#([C][A-Z0-9]+)(\|([^>]*))?>/g, (_m, id: string, _l, label?: string) => `#${label ?? id}`)
    .replace(/<([^>|]+)\|([^>]*)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}
