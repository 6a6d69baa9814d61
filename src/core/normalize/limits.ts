/** Size limits of a normalised record. @module */

/** Caps applied by normalisation. Every one is a hard bound; cut places carry a visible marker. */
export interface NormalizeLimits {
  /** Longest string value (in UTF-16 units) inside fields. @default 8_192 */
  readonly maxStringLength: number;
  /** Longest title, message and error message. @default 16_384 */
  readonly maxMessageLength: number;
  /** Deepest nesting kept in fields. @default 8 */
  readonly maxDepth: number;
  /** Keys kept per object. @default 100 */
  readonly maxKeys: number;
  /** Items kept per array, Set or Map. @default 100 */
  readonly maxArrayItems: number;
  /** Bytes kept of each HTTP body. @default 16_384 */
  readonly maxBodyBytes: number;
  /** Lines kept of a stack trace. @default 100 */
  readonly maxStackLines: number;
  /** Tags kept. @default 32 */
  readonly maxTags: number;
  /** Headers kept per message. @default 100 */
  readonly maxHeaders: number;
  /** Budget for the whole record, in characters of its JSON (approximately bytes). @default 65_536 */
  readonly maxRecordBytes: number;
}

/** The defaults. */
export const DEFAULT_LIMITS: NormalizeLimits = {
  maxStringLength: 8_192,
  maxMessageLength: 16_384,
  maxDepth: 8,
  maxKeys: 100,
  maxArrayItems: 100,
  maxBodyBytes: 16_384,
  maxStackLines: 100,
  maxTags: 32,
  maxHeaders: 100,
  maxRecordBytes: 65_536,
};
