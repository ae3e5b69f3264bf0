import { Session } from 'chdb';
const [R, C] = ['ref', 'cur'].map((s) => `${process.cwd()}/bench/.data/report-${s}-${process.env.ROWS ?? 1000000}.csv`);
const N = Array.from({ length: 20 }, (_, i) => `n${i}`), CAT = Array.from({ length: 5 }, (_, i) => `c${i}`);
const schema = (numT) => [...N.map((c) => `${c} ${numT}`), ...CAT.map((c) => `${c} Nullable(String)`)].join(', ');
const src = (p, numT) => `file('${p}', 'CSVWithNames', '${schema(numT)}')`;
const S = `SETTINGS storage_file_read_method = 'pread', input_format_parallel_parsing = 0`;
const keys = [...N, ...CAT];
const gs = (numRead, numT) => {
  const rd = (side, p) => `SELECT toUInt8(${side}) AS side, ${keys.map((c, i) => `${i < 20 ? numRead(c) : `if(${c} = '' , NULL, ${c})`} AS k${i}`).join(', ')} FROM ${src(p, numT)}`;
  return `SELECT count() FROM (SELECT multiIf(${keys.map((_, i) => `grouping(k${i}) = 0, ${i}`).join(', ')}, 99) AS f,
   coalesce(${N.map((_, i) => `k${i}`).join(', ')}) AS v, coalesce(${CAT.map((_, i) => `k${i + 20}`).join(', ')}) AS s, countIf(side = 0) c0, countIf(side = 1) c1
   FROM (${rd(0, R)} UNION ALL ${rd(1, C)}) GROUP BY GROUPING SETS (${keys.map((_, i) => `(k${i})`).join(', ')})) ${S}`;
};
const Q = {
  parse: `SELECT count() FROM (SELECT ${keys.map((c) => `max(${c})`).join(', ')} FROM (SELECT * FROM ${src(R, 'Nullable(Float64)')} UNION ALL SELECT * FROM ${src(C, 'Nullable(Float64)')})) ${S}`,
  gsString: gs((c) => `toNullable(toString(${c}))`, 'Nullable(String)'),
  gsTyped: gs((c) => `if(isNaN(${c}), NULL, ${c} + 0)`, 'Nullable(Float64)'),
  gsTypedPlain: gs((c) => `${c}`, 'Nullable(Float64)'),
};
const s = new Session();
for (const name of process.argv.slice(2)) {
  const t = performance.now(); const c = process.cpuUsage();
  const r = await s.queryAsync(Q[name], 'TSV');
  const cu = process.cpuUsage(c);
  console.log(`${name}: ${(performance.now() - t).toFixed(0)} ms wall, ${((cu.user + cu.system) / 1000).toFixed(0)} ms cpu, rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB -> ${String(r.text ? r.text() : r).trim().slice(0, 80)}`);
}
s.close();
