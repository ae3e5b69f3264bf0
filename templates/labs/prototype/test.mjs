// biome-ignore-all lint/suspicious/noConsole: a command-line script reports on the terminal.
// Local test: node test.mjs [input.json]
// Runs validate() and score() on the sample input with a stand-in ctx, in this process (no
// sandbox). `vigil labs try .` runs the same inside the Labs sandbox, as the server will.
import { readFileSync } from 'node:fs';
import * as prototype from './index.mjs';

const file = process.argv[2] ?? new URL('./sample-input.json', import.meta.url);
const input = JSON.parse(readFileSync(file, 'utf8'));
const parts = {};
const ctx = {
  feature: 'local-test',
  span(name, fn) {
    const t0 = performance.now();
    const done = () => {
      parts[name] = (parts[name] ?? 0) + performance.now() - t0;
    };
    const r = fn();
    if (r && typeof r.then === 'function') return r.finally(done);
    done();
    return r;
  },
  async query(view) {
    console.warn(`ctx.query(${JSON.stringify(view)}): no Vigil here; returning no rows`);
    return [];
  },
};

if (typeof prototype.validate === 'function') {
  const verdict = await prototype.validate(input);
  if (verdict === false || typeof verdict === 'string') {
    console.error(`rejected: ${verdict === false ? 'validate() refused the input' : verdict}`);
    process.exit(1);
  }
}
const t0 = performance.now();
const output = await prototype.score(input, ctx);
const ms = performance.now() - t0;
const json = JSON.stringify(output);
if (json === undefined) {
  console.error('score() returned nothing JSON can carry');
  process.exit(1);
}
console.log(JSON.stringify(output, null, 2));
console.log(
  `${ms.toFixed(2)} ms`,
  Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, `${v.toFixed(3)} ms`])),
);
