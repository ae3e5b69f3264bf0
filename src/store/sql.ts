declare const sqlBrand: unique symbol;

/**
 * Sql is SQL text that was built only inside `src/store/`: from the static parts of a `sql`
 * template and from values that went through the literal functions below. A plain string is not
 * an Sql, so text from a request or a file cannot reach the engine by mistake; the type is the
 * guard, not a convention. Sql is still a string at run time (no cost).
 */
export type Sql = string & { readonly [sqlBrand]: 'Sql' };

/**
 * sql is the tag every statement is written with: the template's static text is trusted (it is
 * source code in `src/store/`), and every interpolated value must already be Sql (a literal from
 * `str`/`num`/`int`/`strList`, an identifier, a table name, or another `sql` fragment).
 */
export function sql(parts: TemplateStringsArray, ...values: readonly Sql[]): Sql {
  let out = parts[0] ?? '';
  for (let i = 0; i < values.length; i++) out += values[i] + (parts[i + 1] ?? '');
  return out as Sql;
}

/** joinSql joins fragments with a separator written in store/ (", ", " AND ", …). */
export function joinSql(
  fragments: readonly Sql[],
  separator: ', ' | ' AND ' | ' OR ' | ' UNION ALL ' | '\n',
): Sql {
  return fragments.join(separator) as Sql;
}

/**
 * SQL literals. ClickHouse 18.16 has no query parameters, so values are inlined as literals;
 * every value that reaches SQL goes through one of these functions and nothing else.
 * String literals escape backslash and single quote (the only two characters that can end or
 * bend a ClickHouse string literal); control characters are escaped so the query stays one line.
 */
export function str(value: string): Sql {
  let out = "'";
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'` as Sql;
}

/** num inlines a finite number; anything else is a programming error, never user input. */
export function num(value: number): Sql {
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  return String(value) as Sql;
}

/** int inlines an integer (epoch ms and counts). */
export function int(value: number): Sql {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
  return String(value) as Sql;
}

/** strList inlines an array of strings as a ClickHouse array literal. */
export function strList(values: readonly string[]): Sql {
  return `[${values.map(str).join(', ')}]` as Sql;
}

/** ident validates a name used as an identifier (databases); names are never user free text. */
export function ident(name: string): Sql {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) throw new TypeError(`not a valid identifier: ${name}`);
  return name as Sql;
}

/**
 * columnIdent quotes a column name taken from a user's file (any text) as a ClickHouse
 * identifier: backquoted, with backslash and backquote escaped.
 */
export function columnIdent(name: string): Sql {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\`` as Sql;
}
