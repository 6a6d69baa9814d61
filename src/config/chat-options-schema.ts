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
