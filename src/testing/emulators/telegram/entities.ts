/**
 * Types shared by the Telegram parse-mode checkers.
 * @module
 */

/** A formatting entity, as the Bot API reports it (offsets and lengths in UTF-16 code units). */
export interface MessageEntity {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly language?: string;
  readonly custom_emoji_id?: string;
}

/** The result of parsing formatted text: the plain text and its entities, or TDLib's error message. */
export type ParsedText =
  | { readonly ok: true; readonly text: string; readonly entities: readonly MessageEntity[] }
  | { readonly ok: false; readonly error: string };

/** UTF-8 byte offset of UTF-16 index `index` in `text` (Telegram reports byte offsets). */
export function byteOffset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}
