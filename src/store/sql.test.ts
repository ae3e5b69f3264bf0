import { describe, expect, it } from 'vitest';
import { columnIdent, ident, int, joinSql, num, sql, str, strList } from './sql.js';

describe('sql literals', () => {
  it('escapes quotes and backslashes so a value cannot end the literal', () => {
    expect(str("x'); DROP TABLE records; --")).toBe("'x\\'); DROP TABLE records; --'");
    expect(str('a\\')).toBe("'a\\\\'");
    expect(str('line\nbreak\u0000')).toBe("'line\\x0abreak\\x00'");
  });
  it('keeps unicode as is', () => {
    expect(str('Zürich 東京 🚀')).toBe("'Zürich 東京 🚀'");
    expect(strList(['a', "b'"])).toBe("['a', 'b\\'']");
  });
  it('refuses non-finite numbers and bad identifiers', () => {
    expect(() => num(Number.NaN)).toThrow();
    expect(() => int(1.5)).toThrow();
    expect(() => ident('vigil; DROP')).toThrow();
    expect(ident('vigil_test_1')).toBe('vigil_test_1');
  });
  it('quotes any file column name as an identifier that cannot be escaped', () => {
    expect(columnIdent('amount')).toBe('`amount`');
    expect(columnIdent('a`) FROM system.users --')).toBe('`a\\`) FROM system.users --`');
    expect(columnIdent('back\\slash')).toBe('`back\\\\slash`');
  });
  it('builds statements only from store-written text and escaped values', () => {
    const name = "o'brien";
    expect(sql`SELECT ${int(1)} WHERE a = ${str(name)}`).toBe("SELECT 1 WHERE a = 'o\\'brien'");
    expect(joinSql([sql`a = ${num(0.5)}`, sql`b = ${str('x')}`], ' AND ')).toBe("a = 0.5 AND b = 'x'");
    // @ts-expect-error a plain string is not Sql: text from a request cannot be interpolated
    expect(sql`SELECT ${name}`).toBe("SELECT o'brien");
  });
});
