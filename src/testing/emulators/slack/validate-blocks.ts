/**
 * Block Kit checks an incoming webhook applies before posting: block count, section text and fields,
 * header text, block ids and the markdown-block total. Slack answers only `invalid_blocks`; the emulator
 * also reports which rule failed (in the `detail`, sent as a non-Slack header for debugging).
 * @module
 */
import { type Fields, isObject } from '../body.js';
import { type LengthUnit, measureLength } from '../text-length.js';
import type { SlackLimits } from './options.js';

/** A rejected payload: Slack's error string and a human detail. */
export interface BlocksProblem {
  readonly error: 'invalid_blocks' | 'invalid_blocks_format';
  readonly detail: string;
}

type TextObject = Fields<'type' | 'text'>;
type Block = Fields<'type' | 'block_id' | 'text' | 'fields'>;

/** Returns the first problem of `blocks`, or `undefined` when Slack would accept them. */
export function validateBlocks(
  blocks: unknown,
  limits: SlackLimits,
  unit: LengthUnit,
): BlocksProblem | undefined {
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', detail: 'blocks must be an array' };
  if (blocks.length > limits.blocks) {
    return {
      error: 'invalid_blocks',
      detail: `no more than ${limits.blocks} items allowed [json-pointer:/blocks]`,
    };
  }
  const len = (s: string): number => measureLength(s, unit);
  let markdownTotal = 0;
  for (const [i, value] of blocks.entries()) {
    const at = `[json-pointer:/blocks/${i}`;
    const block = (isObject(value) ? value : {}) as Block;
    if (typeof block.type !== 'string') {
      return { error: 'invalid_blocks_format', detail: `block must be an object with a type ${at}]` };
    }
    if (typeof block.block_id === 'string' && len(block.block_id) > limits.blockId) {
      return {
        error: 'invalid_blocks',
        detail: `must be less than ${limits.blockId + 1} characters ${at}/block_id]`,
      };
    }
    const text = isObject(block.text) ? (block.text as TextObject) : undefined;
    const content = typeof text?.text === 'string' ? text.text : undefined;
    if (block.type === 'section') {
      if (content !== undefined && len(content) > limits.sectionText) {
        return {
          error: 'invalid_blocks',
          detail: `must be less than ${limits.sectionText + 1} characters ${at}/text/text]`,
        };
      }
      const fields = Array.isArray(block.fields) ? block.fields : [];
      if (fields.length > limits.sectionFields) {
        return {
          error: 'invalid_blocks',
          detail: `no more than ${limits.sectionFields} items allowed ${at}/fields]`,
        };
      }
      for (const [j, f] of fields.entries()) {
        const t = isObject(f) ? (f as TextObject).text : undefined;
        if (typeof t === 'string' && len(t) > limits.fieldText) {
          return {
            error: 'invalid_blocks',
            detail: `must be less than ${limits.fieldText + 1} characters ${at}/fields/${j}/text]`,
          };
        }
      }
      if (content === undefined && fields.length === 0) {
        return { error: 'invalid_blocks', detail: `must provide either text or fields ${at}]` };
      }
    } else if (block.type === 'header') {
      if (content === undefined || text?.type !== 'plain_text') {
        return { error: 'invalid_blocks', detail: `header text must be a plain_text object ${at}/text]` };
      }
      if (len(content) > limits.headerText) {
        return {
          error: 'invalid_blocks',
          detail: `must be less than ${limits.headerText + 1} characters ${at}/text/text]`,
        };
      }
    } else if (block.type === 'markdown') {
      markdownTotal += typeof block.text === 'string' ? len(block.text) : 0;
    }
  }
  if (markdownTotal > limits.markdownTotal) {
    return {
      error: 'invalid_blocks',
      detail: `markdown blocks exceed ${limits.markdownTotal} characters in total`,
    };
  }
  return undefined;
}
