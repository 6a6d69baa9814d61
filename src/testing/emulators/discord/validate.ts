/**
 * Validation of an Execute Webhook payload against every D2 limit, producing Discord's error codes.
 * Codes and messages marked in docs/EMULATORS.md as observed come from real responses; the rest follow
 * Discord's naming and are our assumption.
 * @module
 */
import { type Fields, isObject } from '../body.js';
import { type LengthUnit, measureLength } from '../text-length.js';
import { type ErrorPath, FormErrors } from './form-errors.js';
import type { DiscordLimits } from './options.js';

/** Outcome of {@link validateExecutePayload}. */
export type PayloadVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'invalid'; readonly errors: FormErrors }
  | { readonly kind: 'empty' };

/** Settings of one validation. */
export interface ValidationContext {
  readonly limits: DiscordLimits;
  readonly unit: LengthUnit;
  readonly strictUsernames: boolean;
  /** Number of uploaded files (they make an otherwise empty message valid). */
  readonly files: number;
}

const ALLOWED_FLAGS = (1 << 2) | (1 << 12) | (1 << 15);
const COMPONENTS_V2 = 1 << 15;
const MAX_COLOR = 16_777_215;

type PayloadFields = Fields<
  | 'content'
  | 'username'
  | 'avatar_url'
  | 'thread_name'
  | 'applied_tags'
  | 'attachments'
  | 'components'
  | 'embeds'
  | 'allowed_mentions'
  | 'flags'
  | 'poll'
>;
type EmbedFields = Fields<
  | 'title'
  | 'description'
  | 'url'
  | 'color'
  | 'timestamp'
  | 'footer'
  | 'author'
  | 'image'
  | 'thumbnail'
  | 'fields'
>;

interface Ctx extends ValidationContext {
  readonly errors: FormErrors;
}

/** Checks a payload; schema errors (50035) win over emptiness (50006), as on Discord. */
export function validateExecutePayload(
  body: Record<string, unknown>,
  context: ValidationContext,
): PayloadVerdict {
  const ctx: Ctx = { ...context, errors: new FormErrors() };
  const payload = body as PayloadFields;
  const { limits } = ctx;
  const content = text(ctx, ['content'], payload.content, limits.content);
  checkUsername(ctx, payload.username);
  url(ctx, ['avatar_url'], payload.avatar_url);
  text(ctx, ['thread_name'], payload.thread_name, limits.threadName);
  list(ctx, ['applied_tags'], payload.applied_tags, limits.appliedTags);
  list(ctx, ['attachments'], payload.attachments, limits.attachments);
  if (ctx.files > limits.attachments) {
    ctx.errors.add(
      ['attachments'],
      'BASE_TYPE_MAX_LENGTH',
      `Must be ${limits.attachments} or fewer in length.`,
    );
  }
  list(ctx, ['components'], payload.components, Number.POSITIVE_INFINITY);
  const embeds = list(ctx, ['embeds'], payload.embeds, limits.embeds);
  if (embeds) checkEmbeds(ctx, embeds);
  checkAllowedMentions(ctx, payload.allowed_mentions);
  const flags = checkFlags(ctx, payload.flags);
  if ((flags & COMPONENTS_V2) !== 0) {
    for (const field of ['content', 'embeds', 'poll'] as const) {
      if (payload[field] !== undefined && payload[field] !== null) {
        ctx.errors.add(
          [field],
          'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
          `The '${field}' field cannot be used when using MessageFlags.IS_COMPONENTS_V2`,
        );
      }
    }
  }
  if (ctx.errors.size > 0) return { kind: 'invalid', errors: ctx.errors };

  const hasContent = content !== undefined && content.trim() !== '';
  const hasEmbeds = (embeds?.length ?? 0) > 0;
  const hasComponents = Array.isArray(payload.components) && payload.components.length > 0;
  const hasPoll = isObject(payload.poll);
  return hasContent || hasEmbeds || hasComponents || hasPoll || ctx.files > 0
    ? { kind: 'ok' }
    : { kind: 'empty' };
}

function text(ctx: Ctx, path: ErrorPath, value: unknown, max: number, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) ctx.errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    ctx.errors.add(path, 'BASE_TYPE_STRING', `Could not interpret ${JSON.stringify(value)} as string.`);
    return undefined;
  }
  if (measureLength(value, ctx.unit) > max) {
    ctx.errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }
  return value;
}

function url(ctx: Ctx, path: ErrorPath, value: unknown): void {
  const s = text(ctx, path, value, ctx.limits.url);
  if (s === undefined) return;
  let ok = false;
  try {
    ok = ['http:', 'https:', 'attachment:'].includes(new URL(s).protocol);
  } catch {
    ok = false;
  }
  if (!ok) ctx.errors.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
}

function list(ctx: Ctx, path: ErrorPath, value: unknown, max: number): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    ctx.errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return undefined;
  }
  if (value.length > max) ctx.errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  return value;
}

function dict<K extends string>(ctx: Ctx, path: ErrorPath, value: unknown): Fields<K> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    ctx.errors.add(path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return undefined;
  }
  return value as Fields<K>;
}

function checkUsername(ctx: Ctx, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') {
    text(ctx, ['username'], value, ctx.limits.usernameMax);
    return;
  }
  const { usernameMin: min, usernameMax: max } = ctx.limits;
  const length = measureLength(value, ctx.unit);
  if (length < min || length > max) {
    ctx.errors.add(['username'], 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    return;
  }
  const lower = value.toLowerCase();
  const banned = ['discord', 'clyde', ...(ctx.strictUsernames ? ['@', '#', ':', '```'] : [])];
  const found = banned.find((b) => lower.includes(b));
  if (found !== undefined) {
    ctx.errors.add(['username'], 'USERNAME_INVALID_CONTAINS', `Username cannot contain "${found}"`);
    return;
  }
  const trimmed = lower.trim();
  if (trimmed === 'everyone' || trimmed === 'here') {
    ctx.errors.add(['username'], 'USERNAME_INVALID', `Username cannot be "${trimmed}"`);
  }
}

function checkEmbeds(ctx: Ctx, embeds: unknown[]): void {
  const { limits } = ctx;
  let total = 0;
  const count = (s: string | undefined): void => {
    if (s !== undefined) total += measureLength(s, ctx.unit);
  };
  embeds.forEach((value, i) => {
    const embed: EmbedFields | undefined = dict(ctx, ['embeds', i], value);
    if (!embed) return;
    count(text(ctx, ['embeds', i, 'title'], embed.title, limits.title));
    count(text(ctx, ['embeds', i, 'description'], embed.description, limits.description));
    url(ctx, ['embeds', i, 'url'], embed.url);
    checkColor(ctx, ['embeds', i, 'color'], embed.color);
    checkTimestamp(ctx, ['embeds', i, 'timestamp'], embed.timestamp);
    const footer = dict<'text' | 'icon_url'>(ctx, ['embeds', i, 'footer'], embed.footer);
    if (footer) {
      count(text(ctx, ['embeds', i, 'footer', 'text'], footer.text, limits.footerText, true));
      url(ctx, ['embeds', i, 'footer', 'icon_url'], footer.icon_url);
    }
    const author = dict<'name' | 'url' | 'icon_url'>(ctx, ['embeds', i, 'author'], embed.author);
    if (author) {
      count(text(ctx, ['embeds', i, 'author', 'name'], author.name, limits.authorName, true));
      url(ctx, ['embeds', i, 'author', 'url'], author.url);
      url(ctx, ['embeds', i, 'author', 'icon_url'], author.icon_url);
    }
    for (const media of ['image', 'thumbnail'] as const) {
      const m = dict<'url'>(ctx, ['embeds', i, media], embed[media]);
      if (m) url(ctx, ['embeds', i, media, 'url'], m.url);
    }
    const fields = list(ctx, ['embeds', i, 'fields'], embed.fields, limits.fields) ?? [];
    fields.forEach((f, j) => {
      const field = dict<'name' | 'value'>(ctx, ['embeds', i, 'fields', j], f);
      if (!field) return;
      count(text(ctx, ['embeds', i, 'fields', j, 'name'], field.name, limits.fieldName, true));
      count(text(ctx, ['embeds', i, 'fields', j, 'value'], field.value, limits.fieldValue, true));
    });
  });
  if (total > limits.embedTotal) {
    ctx.errors.add(
      ['embeds'],
      'MAX_EMBED_SIZE_EXCEEDED',
      `Embed size exceeds maximum size of ${limits.embedTotal}`,
    );
  }
}

function integer(ctx: Ctx, path: ErrorPath, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    ctx.errors.add(path, 'NUMBER_TYPE_COERCE', `Value "${String(value)}" is not int.`);
    return undefined;
  }
  if (n > max) ctx.errors.add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
  if (n < min)
    ctx.errors.add(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
  return n;
}

function checkColor(ctx: Ctx, path: ErrorPath, value: unknown): void {
  integer(ctx, path, value, 0, MAX_COLOR);
}

function checkTimestamp(ctx: Ctx, path: ErrorPath, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    ctx.errors.add(path, 'DATE_TYPE_PARSE', `Could not parse ${String(value)}. Should be ISO8601.`);
  }
}

function checkFlags(ctx: Ctx, value: unknown): number {
  const flags = integer(ctx, ['flags'], value, 0, Number.MAX_SAFE_INTEGER) ?? 0;
  if ((flags & ~ALLOWED_FLAGS) !== 0) {
    ctx.errors.add(
      ['flags'],
      'MESSAGE_FLAGS_INVALID',
      'Only SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS and IS_COMPONENTS_V2 can be set.',
    );
  }
  return flags;
}

function checkAllowedMentions(ctx: Ctx, value: unknown): void {
  const am = dict<'parse' | 'users' | 'roles'>(ctx, ['allowed_mentions'], value);
  if (!am) return;
  const parse = list(ctx, ['allowed_mentions', 'parse'], am.parse, 3) ?? [];
  parse.forEach((p, i) => {
    if (p !== 'everyone' && p !== 'users' && p !== 'roles') {
      ctx.errors.add(
        ['allowed_mentions', 'parse', i],
        'ENUM_TYPE_COERCE',
        `Value "${String(p)}" is not a valid enum value.`,
      );
    }
  });
  for (const kind of ['users', 'roles'] as const) {
    const ids = list(ctx, ['allowed_mentions', kind], am[kind], ctx.limits.mentionIds);
    if (ids && ids.length > 0 && parse.includes(kind)) {
      ctx.errors.add(
        ['allowed_mentions'],
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`,
      );
    }
  }
}
