/**
 * Options only chat destinations (Discord, Telegram, Slack) have: where messages are read by people.
 * @module
 */
import { z } from 'zod';
import { LEVELS } from '../core/level.js';
import { templateProblem } from '../sinks/template/message-template.js';
import { isTimeZone } from '../sinks/view/local-time.js';

/** A mustache template, parsed now so a typo fails validation instead of the first message. */
const templateText = z.string().superRefine((value, ctx) => {
  const problem = templateProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (check the {{…}} tags)` });
});

/** An IANA time zone, checked against the runtime's own list so a typo fails validation, not a message. */
const timeZone = z.string().superRefine((value, ctx) => {
  if (!isTimeZone(value))
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a time zone`,
      params: { hint: 'an IANA name such as "Europe/Berlin", "America/New_York" or "UTC"' },
    });
});

/** Options every chat destination has. */
export const chatShape = {
  /**
   * Chat destinations start at `warn`: a person reads every message, and a logger attached at
   * `trace` (pino, winston) would flood the channel. The schema holds the default, so `offpath
   * check`, the JSON Schema and the running instance agree; a `minLevel` set explicitly wins.
   * @default 'warn'
   */
  minLevel: z.enum(LEVELS).default('warn'),
  /** Message templates by event kind (see docs/MESSAGES.md). */
  templates: z
    .record(z.string(), z.object({ title: templateText.optional(), body: templateText.optional() }).strict())
    .optional(),
  /**
   * IANA zone of the times written into messages (a digest's span), shown with the zone's name.
   * @default the process's local zone (TZ, else the system's)
   */
  timeZone: timeZone.optional(),
};

/**
 * Whom a `critical` message mentions: opt-in, only the listed ids, only on `critical`; every mention
 * in the records' own text stays inert. 25 ids per list keep the mention line short (Discord allows
 * 100 in `allowed_mentions` and 2,000 characters of content).
 */
const ids = <T extends z.ZodType>(id: T) => z.array(id).min(1).max(25).optional();
const discordId = z
  .string()
  .regex(/^\d{17,20}$/, 'must be a Discord id of 17-20 digits (Developer Mode, then Copy ID)');

/** Discord: roles (`<@&id>`) and users (`<@id>`), allowed in `allowed_mentions` one by one. @default undefined (no mention) */
export const discordMention = z
  .object({ roles: ids(discordId), users: ids(discordId) })
  .strict()
  .optional();

/** Telegram: users by numeric id (an inline mention, `tg://user?id=`) or `@username`. @default undefined (no mention) */
export const telegramMention = z
  .object({
    users: ids(
      z.union([
        z.number().int().positive(),
        z
          .string()
          .regex(
            /^@[A-Za-z][A-Za-z0-9_]{4,31}$/,
            'must be a numeric user id or an @username (5-32 letters, digits or _)',
          ),
      ]),
    ),
  })
  .strict()
  .optional();

/** Slack: user groups (`<!subteam^S…>`) and members (`<@U…>`). @default undefined (no mention) */
export const slackMention = z
  .object({
    userGroups: ids(z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a user-group id (S…, not its @handle)')),
    users: ids(z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a member id (U… or W…, not a display name)')),
  })
  .strict()
  .optional();
