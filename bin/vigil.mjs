#!/usr/bin/env node
// The `vigil` command: runs the compiled CLI (npm run build writes dist/).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('vigil: not built yet; run `npm run build` in the Vigil folder first');
  process.exit(2);
}
await import(entry.href);
