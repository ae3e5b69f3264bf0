import { Session } from 'chdb';
import { readFileSync } from 'node:fs';
const s = new Session();
const q = readFileSync(process.argv[2], 'utf8').trim() + (process.argv[3] ? `, ${process.argv[3]}` : '');
const t = performance.now(); const c = process.cpuUsage();
const r = await s.queryAsync(q, 'TSV');
const cu = process.cpuUsage(c);
console.log(`${(performance.now() - t).toFixed(0)} ms wall, ${((cu.user + cu.system) / 1000).toFixed(0)} ms cpu -> ${String(r.text()).trim().slice(0, 80)}`);
s.close();
