// npm run bench -- NAME [args...]: runs bench/NAME.ts, whose last printed line is one JSON object
// of its figures, with `ratio` = Vigil's speed over the baseline's measured in the same run.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [name, ...args] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(join(here, `${name}.ts`))) {
  console.error(`usage: npm run bench -- NAME   (NAME is a file bench/NAME.ts; got ${JSON.stringify(name)})`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as {
  main: (args: string[]) => Promise<void>;
};
await mod.main(args);
