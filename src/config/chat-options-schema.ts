/**
 * Options only chat destinations (Discord, Telegram, Slack) have: where messages are read by people.
 * @module
 */
import { z } from 'zod';
import { LEVELS } from '../core/level.js';
import { templateProblem } from '../sinks/template/message-template.js';

/** A mustache template, parsed now so a typo fails validation instead of the first message. */
const templateText = z.string().superRefine((value, ctx) => {
  const problem = templateProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem} (check the {{…}} tags)` });
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
};
