/**
 * SQL literals. ClickHouse 18.16 has no query parameters, so values are inlined as literals;
 * every value that reaches SQL goes through one of these functions and nothing else.
 * String literals escape backslash and single quote (the only two characters that can end or
 * bend a ClickHouse string literal); control characters are escaped so the query stays one line.
 */
export function str(value: string): string {
  let out = "'";
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** num inlines a finite number; anything else is a programming error, never user input. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  return String(value);
}

/** int inlines an integer (epoch ms and counts). */
export function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
  return String(value);
}

/** strList inlines an array of strings as a ClickHouse array literal. */
export function strList(values: readonly string[]): string {
  return `[${values.map(str).join(', ')}]`;
}

/** ident validates a name used as an identifier (databases); names are never user free text. */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new TypeError(`not a valid identifier: ${name}`);
  return name;
}

/**
 * columnIdent quotes a column name taken from a user's file (any text) as a ClickHouse
 * identifier: backquoted, with backslash and backquote escaped.
 */
export function columnIdent(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}
