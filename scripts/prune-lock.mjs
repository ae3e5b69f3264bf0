// Removes from package-lock.json the optional dependencies the registry could not serve.
//
// chdb declares its native library for four platforms as optional dependencies; the registry
// these machines reach serves only linux-x64, so `npm install` leaves the other three out of
// the lock while still listing them under chdb, and `npm ci` then refuses the lock ("Missing:
// @chdb/lib-darwin-arm64 from lock file"). Run after `npm install`; .ci/run runs it too.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((k) => k.replace(/^.*node_modules\//, '')));
const pruned = [];
for (const [where, pkg] of Object.entries(lock.packages)) {
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    if (!present.has(name)) {
      delete pkg.optionalDependencies[name];
      pruned.push(`${where || '(root)'} -> ${name}`);
    }
  }
}
if (pruned.length > 0) {
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`prune-lock: removed ${pruned.length} optional dependencies the registry does not serve:`);
  for (const p of pruned) console.log(`  ${p}`);
}
