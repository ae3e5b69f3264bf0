// A child process that lets ClickHouse (chdb) read a data file and streams its rows to stdout as
// JSONEachRow, after one header line {"columns": [...], "total": N}. It runs in its own process
// because chdb allows one engine per process, and the parent may already hold the data folder.
import { Session } from 'chdb';
import { columnIdent as ident, str } from '../../store/sql.js';
import {
  FILE_READ_SETTINGS,
  isMissingSql,
  isNotNumberSql,
  readTypeOf,
  spelledNumberSql,
} from './number-spelling.js';

// QUERY may select from {source} (the file); the default streams every row as it is.
const [path, format, query = 'SELECT * FROM {source}'] = process.argv.slice(2);
if (!path || !format) {
  process.stderr.write('usage: read-file-child PATH CLICKHOUSE_FORMAT [QUERY]\n');
  process.exit(2);
}

const write = (text: string) =>
  new Promise<void>((resolve, reject) => {
    if (process.stdout.write(text, (e) => (e ? reject(e) : undefined))) resolve();
    else process.stdout.once('drain', resolve);
  });

const session = new Session();
const rows = async (sql: string) =>
  String((await session.queryAsync(sql, { format: 'JSONEachRow' })).text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
try {
  // pread, not mmap (clickhouse-local's default for file()): mapped pages count as resident
  // memory and grew with the file (1.3 GB peak on a 480 MB CSV). Small blocks keep each chunk
  // small. Measured with both: ~400 MB peak, most of it the engine itself, on 160 MB and 480 MB.
  const readSettings = `storage_file_read_method = 'pread', max_block_size = 8192, ${FILE_READ_SETTINGS}`;
  const settings =
    `SETTINGS ${readSettings}, output_format_json_quote_64bit_integers = 0, ` +
    "output_format_json_quote_denormals = 0, input_format_csv_empty_as_default = 0, date_time_output_format = 'iso'";
  const described = (
    await rows(`DESCRIBE file(${str(path)}, ${str(format)}) SETTINGS ${FILE_READ_SETTINGS}`)
  ).map((c) => ({ name: String(c['name']), type: String(c['type']) }));
  if (described.length === 0) throw new Error('the file is empty');
  const { source, columns, total, infinite } = await readPlan(described);
  await write(`${JSON.stringify({ columns, total, infinite })}\n`);
  const sql = `${query.replaceAll('{source}', source)} ${settings}`;
  for await (const chunk of session.queryStream(sql, { format: 'JSONEachRow' })) {
    await write(chunk.text());
  }

  /**
   * readPlan reads the file once to count its rows and judge its text columns by the number
   * spellings (number-spelling.ts): a text column whose values that are not missing all spell
   * numbers becomes a number column (Int64 when they are all integers), missing spellings
   * become NULL, and ±inf becomes NULL too (records hold finite numbers), counted in `infinite`.
   */
  async function readPlan(cols: Array<{ name: string; type: string }>) {
    const read = cols.map((c) => ({ ...c, readType: readTypeOf(c.type, format as string) }));
    const file = `file(${str(path as string)}, ${str(format as string)}, ${str(read.map((c) => `${ident(c.name)} ${c.readType}`).join(', '))})`;
    const isText = (t: string) => /^(Nullable\()?(LowCardinality\()?(Nullable\()?String/.test(t);
    const isFloat = (t: string) => /Float/.test(t);
    const probes: string[] = ['count() AS __vigil_n'];
    read.forEach((c, i) => {
      const col = ident(c.name);
      if (isText(c.readType)) {
        const t = `trimBoth(assumeNotNull(${col}))`;
        const int = `toInt64OrNull(if(startsWith(${t}, '+'), substring(${t}, 2), ${t}))`;
        probes.push(
          `countIf(${isNotNumberSql(col)}) AS __vigil_bad${i}`,
          `countIf(isNotNull(${spelledNumberSql(col)})) AS __vigil_num${i}`,
          `countIf(NOT ${isMissingSql(col)} AND isNull(${int})) AS __vigil_nonint${i}`,
          `countIf(isInfinite(${spelledNumberSql(col)})) AS __vigil_inf${i}`,
        );
      } else if (isFloat(c.readType)) probes.push(`countIf(isInfinite(${col})) AS __vigil_inf${i}`);
    });
    const [counts = {}] = await rows(`SELECT ${probes.join(', ')} FROM ${file} SETTINGS ${readSettings}`);
    const n = (k: string) => Number(counts[k] ?? 0);
    const infinite: Record<string, number> = {};
    const columns: Array<{ name: string; type: string }> = [];
    const exprs = read.map((c, i) => {
      const col = ident(c.name);
      if (isText(c.readType)) {
        if (n(`__vigil_bad${i}`) === 0 && n(`__vigil_num${i}`) > 0) {
          const t = `trimBoth(assumeNotNull(${col}))`;
          if (n(`__vigil_inf${i}`) > 0) infinite[c.name] = n(`__vigil_inf${i}`);
          if (n(`__vigil_nonint${i}`) === 0) {
            columns.push({ name: c.name, type: 'Nullable(Int64)' });
            return `if(${isMissingSql(col)}, NULL, toInt64OrNull(if(startsWith(${t}, '+'), substring(${t}, 2), ${t}))) AS ${col}`;
          }
          columns.push({ name: c.name, type: 'Nullable(Float64)' });
          const v = spelledNumberSql(col);
          return `if(isFinite(${v}), ${v}, NULL) AS ${col}`;
        }
        columns.push({ name: c.name, type: c.type });
        return `if(${isMissingSql(col)}, NULL, ${col}) AS ${col}`;
      }
      columns.push({ name: c.name, type: c.type });
      if (isFloat(c.readType)) {
        if (n(`__vigil_inf${i}`) > 0) infinite[c.name] = n(`__vigil_inf${i}`);
        return `if(isFinite(${col}), ${col}, NULL) AS ${col}`;
      }
      return col;
    });
    return { source: `(SELECT ${exprs.join(', ')} FROM ${file})`, columns, total: n('__vigil_n'), infinite };
  }
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 3;
} finally {
  session.close();
}
