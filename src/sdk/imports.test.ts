import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = fileURLToPath(new URL('.', import.meta.url));

describe('src/sdk ships alone', () => {
  // vigil/client runs inside users' services: it may import its own modules and node: built-ins,
  // nothing else of Vigil and no package (the package's dependencies are the server's).
  const shipped = readdirSync(HERE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  it.each(shipped)('%s imports only ./ modules and node: built-ins', (file) => {
    const source = readFileSync(`${HERE}${file}`, 'utf8');
    const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);
    const outside = specifiers.filter((s) => !(s?.startsWith('./') || s?.startsWith('node:')));
    expect(outside).toEqual([]);
  });
});
