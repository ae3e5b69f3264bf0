import { Session } from 'chdb';
const s = new Session();
for (const q of process.argv.slice(2)) {
  const t = performance.now(); const c = process.cpuUsage();
  const r = await s.queryAsync(q, 'TSV');
  const cu = process.cpuUsage(c);
  console.error(`[${(performance.now()-t).toFixed(0)} ms wall, ${((cu.user+cu.system)/1000).toFixed(0)} ms cpu, rss ${(process.memoryUsage().rss/1048576).toFixed(0)} MB] ${q.slice(0,100)}`);
  console.log(String(r.text ? r.text() : r).slice(0, 500));
}
s.close();
