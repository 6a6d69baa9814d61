/**
 * Options of the Slack incoming-webhook emulator and their defaults.
 * @module
 */
import { assertPositiveFields } from '../assert-option.js';
import type { EmulatorServerOptions } from '../server.js';
import type { LengthUnit } from '../text-length.js';

/** Payload limits of one message. */
export interface SlackLimits {
  /** Blocks per message [obs, docs.slack.dev quoted]. @default 50 */
  readonly blocks: number;
  /** `section` text [obs]. @default 3000 */
  readonly sectionText: number;
  /** `section` fields [obs]. @default 10 */
  readonly sectionFields: number;
  /** Each `section` field's text [obs]. @default 2000 */
  readonly fieldText: number;
  /** `header` text [doc]. @default 150 */
  readonly headerText: number;
  /** `block_id` [doc]. @default 255 */
  readonly blockId: number;
  /** Sum of all `markdown` block texts [obs]. @default 12_000 */
  readonly markdownTotal: number;
  /** Legacy attachments per message (error `too_many_attachments`) [obs]. @default 100 */
  readonly attachments: number;
  /** Top-level `text` longer than this is truncated, not rejected [obs]. @default 40_000 */
  readonly text: number;
}

/** The defaults of {@link SlackLimits}. */
export const DEFAULT_SLACK_LIMITS: SlackLimits = Object.freeze({
  blocks: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  blockId: 255,
  markdownTotal: 12_000,
  attachments: 100,
  text: 40_000,
});

/** Options of `startSlackEmulator`. */
export interface SlackEmulatorOptions extends EmulatorServerOptions {
  /** Overrides of single limits. @default {} */
  readonly limits?: Partial<SlackLimits>;
  /** How lengths are counted (Slack does not document it). @default 'utf16' */
  readonly lengthUnit?: LengthUnit;
  /** Messages a channel accepts back to back before the pace applies [doc: "short bursts >1 allowed"]. @default 1 */
  readonly burst?: number;
  /** One message per this interval per channel [doc: 1 per second]. @default 1000 */
  readonly intervalMs?: number;
  /** Pre-create one webhook so `describe()` has a URL to print. @default true */
  readonly defaultWebhook?: boolean;
}

/** Options with every default applied. */
export interface ResolvedSlackOptions {
  readonly limits: SlackLimits;
  readonly lengthUnit: LengthUnit;
  readonly burst: number;
  readonly intervalMs: number;
}

/** Applies defaults and rejects nonsense eagerly. */
export function resolveSlackOptions(options: SlackEmulatorOptions): ResolvedSlackOptions {
  const resolved: ResolvedSlackOptions = {
    limits: { ...DEFAULT_SLACK_LIMITS, ...options.limits },
    lengthUnit: options.lengthUnit ?? 'utf16',
    burst: options.burst ?? 1,
    intervalMs: options.intervalMs ?? 1000,
  };
  assertPositiveFields(resolved, ['burst', 'intervalMs']);
  assertPositiveFields(resolved.limits, undefined, { prefix: 'limits.', allowZero: true });
  return resolved;
}
