// A child process that lets ClickHouse (chdb) read a data file and streams its rows to stdout as
// JSONEachRow, after one header line {"columns": [...], "total": N}. It runs in its own process
// because chdb allows one engine per process, and the parent may already hold the data folder.
import { Session } from 'chdb';
import { describeFileWith, type FileEngine, type FileSelect, planFileRead } from '../queries/file-read.js';

// SELECT describes the rows to stream (a FileSelect as JSON); the default streams every row as it is.
const [path, format, select = '{"kind":"rows"}'] = process.argv.slice(2);
if (!path || !format) {
  process.stderr.write('usage: read-file-child PATH CLICKHOUSE_FORMAT [SELECT]\n');
  process.exit(2);
}

const write = (text: string) =>
  new Promise<void>((resolve, reject) => {
    if (process.stdout.write(text, (e) => (e ? reject(e) : undefined))) resolve();
    else process.stdout.once('drain', resolve);
  });

const session = new Session();
const rows: FileEngine = async (statement) =>
  String((await session.queryAsync(statement, { format: 'JSONEachRow' })).text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
try {
  const described = await describeFileWith(rows, path, format);
  if (described.length === 0) throw new Error('the file is empty');
  const plan = await planFileRead(rows, {
    path,
    format,
    columns: described,
    select: JSON.parse(select) as FileSelect,
  });
  await write(`${JSON.stringify({ columns: plan.columns, total: plan.total, infinite: plan.infinite })}\n`);
  for await (const chunk of session.queryStream(plan.statement, { format: 'JSONEachRow' })) {
    await write(chunk.text());
  }
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 3;
} finally {
  session.close();
}
