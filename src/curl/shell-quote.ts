/**
 * Quoting for bash and zsh that never expands anything. Single quotes turn off every expansion in both
 * shells (variables, commands, globs, history `!`); a single quote itself is written `'\''`.
 * @module
 */

/** Quotes any text without NUL as one shell word. */
export function quote(text: string): string {
  if (text !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) && !text.startsWith('-')) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A `printf` format string that prints exactly `bytes`: printable ASCII as is, everything else
 * (and `%`, `\`, `'`) as a three-digit octal escape, which both shells' printf builtins understand.
 * Used for bodies that a shell argument cannot carry (NUL bytes, invalid UTF-8).
 */
export function printfFormat(bytes: Uint8Array): string {
  let out = '';
  for (const [i, b] of bytes.entries()) {
    // A format starting with "-" would be read as an option of printf.
    const printable =
      b >= 0x20 && b < 0x7f && b !== 0x25 && b !== 0x5c && b !== 0x27 && !(i === 0 && b === 0x2d);
    out += printable ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `'${out}'`;
}
