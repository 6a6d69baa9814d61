/**
 * Who a webhook message would ping: mentions written in `content` filtered by `allowed_mentions`
 * (Discord's docs: with no `allowed_mentions` a webhook parses user mentions only). Embeds never ping.
 * @module
 */
import { isObject } from '../body.js';
import type { AllowedMentions } from './options.js';

/** The pings a message would cause. */
export interface MentionsPinged {
  /** `@everyone` would notify the whole server. */
  readonly everyone: boolean;
  /** `@here` would notify everyone online. */
  readonly here: boolean;
  /** User ids that would be notified. */
  readonly users: readonly string[];
  /** Role ids whose members would be notified. */
  readonly roles: readonly string[];
  /** True when anything at all would ping. */
  readonly any: boolean;
}

/** Mentions written in the text, pinging or not. */
export interface MentionsWritten {
  readonly everyone: boolean;
  readonly here: boolean;
  readonly users: readonly string[];
  readonly roles: readonly string[];
}

/** Finds `@everyone`, `@here`, `<@id>`, `<@!id>` and `<@&id>` in message content. */
export function findMentions(content: string): MentionsWritten {
  const users = new Set<string>();
  const roles = new Set<string>();
  for (const m of content.matchAll(/<@(!|&)?(\d{1,20})>/g)) {
    if (m[1] === '&') roles.add(m[2] ?? '');
    else users.add(m[2] ?? '');
  }
  return {
    everyone: content.includes('@everyone'),
    here: content.includes('@here'),
    users: [...users],
    roles: [...roles],
  };
}

/** Applies `allowed_mentions` (or the default when absent) to the mentions in `content`. */
export function evaluateMentions(
  content: string,
  allowed: unknown,
  fallback: AllowedMentions,
): MentionsPinged {
  const written = findMentions(content);
  const rules = isObject(allowed) ? (allowed as AllowedMentions) : fallback;
  const parse = new Set(rules.parse ?? []);
  const pick = (kind: 'users' | 'roles', ids: readonly string[]): string[] => {
    if (parse.has(kind)) return [...ids];
    const listed = new Set((rules[kind] ?? []).map(String));
    return ids.filter((id) => listed.has(id));
  };
  const everyoneAllowed = parse.has('everyone');
  const pinged = {
    everyone: everyoneAllowed && written.everyone,
    here: everyoneAllowed && written.here,
    users: pick('users', written.users),
    roles: pick('roles', written.roles),
  };
  return {
    ...pinged,
    any: pinged.everyone || pinged.here || pinged.users.length > 0 || pinged.roles.length > 0,
  };
}
