// A child process that lets ClickHouse (chdb) read a data file and streams its rows to stdout as
// JSONEachRow, after one header line {"columns": [...], "total": N}. It runs in its own process
// because chdb allows one engine per process, and the parent may already hold the data folder.
import { Session } from 'chdb';
import { str } from '../../store/sql.js';

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
try {
  const source = `file(${str(path)}, ${str(format)})`;
  // pread, not mmap (clickhouse-local's default for file()): mapped pages count as resident
  // memory and grew with the file (1.3 GB peak on a 480 MB CSV). Small blocks keep each chunk
  // small. Measured with both: ~400 MB peak, most of it the engine itself, on 160 MB and 480 MB.
  const readSettings = "storage_file_read_method = 'pread', max_block_size = 8192";
  const settings =
    `SETTINGS ${readSettings}, output_format_json_quote_64bit_integers = 0, ` +
    "output_format_json_quote_denormals = 0, input_format_csv_empty_as_default = 0, date_time_output_format = 'iso'";
  const described = String((await session.queryAsync(`DESCRIBE ${source}`, { format: 'JSONEachRow' })).text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { name: string; type: string });
  const total = Number(
    (
      await session.queryAsync(`SELECT count() AS n FROM ${source} SETTINGS ${readSettings}`, {
        format: 'JSONEachRow',
      })
    )
      .text()
      .match(/\d+/)?.[0],
  );
  await write(`${JSON.stringify({ columns: described, total })}\n`);
  const sql = `${query.replaceAll('{source}', source)} ${settings}`;
  for await (const chunk of session.queryStream(sql, { format: 'JSONEachRow' })) {
    await write(chunk.text());
  }
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exitCode = 3;
} finally {
  session.close();
}
