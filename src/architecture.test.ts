/*
 * The architecture rules of docs/architecture.md (and ../shared/STYLE.md, "Dependency direction"),
 * as data, checked on every non-test file:
 *
 * (a) edges: a module imports only the modules its row of MODULES lists (its own always);
 *     `typeOnly` modules only through `import type` / `export type`. web/ imports nothing outside
 *     web/ but types from src/server/api-types.ts and the pure src/shared/time-buckets.ts.
 * (b) surfaces: an import across modules goes through the target's index.ts. core's subfolders
 *     are modules of their own here: `core/index.ts` and `core/<sub>/index.ts` are both public, and
 *     one subfolder of core reaches another only through that one's index.ts.
 * (c) SQL: no SQL text (a literal with an SQL statement keyword, or an `sql` tagged template)
 *     outside src/store/.
 *
 * Test code is not checked: `*.test.ts`, `*.contract.ts`, and test-support (folders named
 * test-support/ and files named *test-support.ts) may reach any internal. Production code may
 * not import test-support (no row lists it).
 *
 * The files are parsed with the TypeScript compiler (no type checking): the import specifiers of
 * import/export declarations, `import()` calls and `import('…')` types, and every string and
 * template literal. Comments are never read, so prose may use SQL words.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

type ModuleName =
  | 'core'
  | 'shared'
  | 'store'
  | 'ingest'
  | 'analysis'
  | 'anomaly'
  | 'labs'
  | 'auth'
  | 'monitor'
  | 'report'
  | 'demo'
  | 'sdk'
  | 'server'
  | 'cli'
  | 'test-support';

interface ModuleRule {
  /** mayImport: the modules this one may import (besides itself). */
  readonly mayImport: readonly ModuleName[];
  /** typeOnly: modules this one may import types from, and nothing else. */
  readonly typeOnly?: readonly ModuleName[];
  /** nodeBuiltins: false forbids `node:*` imports (the pure core). */
  readonly nodeBuiltins?: boolean;
  readonly why: string;
}

const FEATURE: readonly ModuleName[] = ['store', 'core', 'shared'];
const PRODUCTION: readonly ModuleName[] = [
  'core',
  'shared',
  'store',
  'ingest',
  'analysis',
  'anomaly',
  'labs',
  'auth',
  'monitor',
  'report',
  'demo',
  'sdk',
];

/** MODULES is the dependency table: who may import whom. Anything not listed is forbidden. */
const MODULES: Readonly<Record<ModuleName, ModuleRule>> = {
  core: { mayImport: [], nodeBuiltins: false, why: 'pure math: no I/O, imports only core' },
  shared: { mayImport: [], why: 'leaf kernel: errors, clock, logger, names' },
  store: {
    mayImport: ['shared'],
    typeOnly: ['core'],
    why: 'the Store port, engines, queries; knows no feature',
  },
  ingest: { mayImport: FEATURE, why: 'validation and writing of records and actuals' },
  analysis: { mayImport: FEATURE, why: 'store aggregates → core statistics' },
  anomaly: { mayImport: FEATURE, why: 'series from a request or the store → core/timeseries' },
  labs: { mayImport: FEATURE, why: 'experimental tier; nothing stable imports it' },
  auth: { mayImport: FEATURE, why: 'keys, roles, sessions, audit' },
  monitor: { mayImport: ['analysis', ...FEATURE], why: 'monitors and alerts over analysis' },
  report: { mayImport: ['analysis', ...FEATURE], why: 'the offline drift report (vigil report)' },
  demo: {
    mayImport: ['ingest', 'analysis', 'anomaly', 'monitor', 'labs', 'auth', ...FEATURE],
    why: 'seeds the demo workspace through the features',
  },
  sdk: { mayImport: [], why: 'the published client: nothing of the server side' },
  server: { mayImport: PRODUCTION, why: 'HTTP: any module but cli' },
  cli: { mayImport: [...PRODUCTION, 'server'], why: 'the commands; `vigil serve` starts the server' },
  'test-support': {
    mayImport: [...PRODUCTION, 'server', 'cli'],
    why: 'test helpers; production never imports them',
  },
};

/** WEB_MAY_IMPORT_TYPES is the one file outside web/ the dashboard may import types from. */
const WEB_MAY_IMPORT_TYPES = ['src/server/api-types.ts'];
/**
 * WEB_MAY_IMPORT_CODE are the files outside web/ the dashboard may run: pure tables that must
 * agree with the server to the byte (time buckets: the heatmap asks URLs the view warmer computed).
 * Each imports nothing.
 */
const WEB_MAY_IMPORT_CODE = ['src/shared/time-buckets.ts'];

/** SQL_PATTERNS are statement keywords, upper case as SQL is written (prose is lower case). */
const SQL_PATTERNS: readonly RegExp[] = [
  /\bSELECT\b/,
  /\bINSERT\s+INTO\b/,
  /\bALTER\s+TABLE\b/,
  /\bCREATE\s+(TABLE|VIEW|MATERIALIZED\s+VIEW|DATABASE|DICTIONARY)\b/,
  /\bOPTIMIZE\s+TABLE\b/,
  /\bDROP\s+(TABLE|VIEW|DATABASE|DICTIONARY)\b/,
  /\bTRUNCATE\s+TABLE\b/,
  /\bDELETE\s+FROM\b/,
  /\bSYSTEM\s+(FLUSH|DROP|STOP|START|SYNC)\b/,
  /\b(WHERE|PREWHERE)\b.*(=|\bIN\b|\bAND\b)/,
  /\b(GROUP|ORDER)\s+BY\b/,
  // Fragments: conditions joined with AND/OR around an interpolated value.
  /(\$\{…\}|\b[a-z_]+ (=|!=|<|>|<=|>=|IN) ).*\s(AND|OR)\s/,
];

type Rule = 'a: forbidden edge' | 'b: bypasses index.ts' | 'c: SQL outside store';

/**
 * EXCEPTIONS are accepted offences, each with its reason. Keep it short; ideally empty.
 * Match: file (repo-relative), the import specifier or literal excerpt, and the rule.
 */
const EXCEPTIONS: ReadonlyArray<{ file: string; what: string; rule: Rule; why: string }> = [];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rel = (abs: string) => relative(ROOT, abs).split(sep).join('/');

const isTest = (path: string) => /\.test\.tsx?$/.test(path) || path.endsWith('.contract.ts');
const isTestSupport = (path: string) =>
  /(^|\/)test-support(\/|\.ts$)/.test(path) || /test-support\.ts$/.test(path);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') && !isTest(path)) out.push(path);
  }
  return out.sort();
}

/** moduleOf names a src/ file's module; test-support anywhere is the test-support module. */
function moduleOf(path: string): ModuleName | 'web' | null {
  if (path.startsWith('web/')) return 'web';
  if (isTestSupport(path)) return 'test-support';
  const m = /^src\/([^/]+)\//.exec(path);
  return m && m[1] !== undefined && m[1] in MODULES ? (m[1] as ModuleName) : null;
}

/** surfaceOf names the public surface a file belongs to: core's subfolders are their own. */
function surfaceOf(path: string): string {
  const core = /^src\/core\/([^/]+)\//.exec(path);
  if (core) return `src/core/${core[1]}`;
  const m = /^src\/([^/]+)\//.exec(path);
  return m ? `src/${m[1]}` : path;
}

interface ImportRef {
  readonly specifier: string;
  readonly typeOnly: boolean;
}

interface Parsed {
  readonly imports: ImportRef[];
  readonly literals: Array<{ text: string; tagged: string | null }>;
}

function parse(path: string): Parsed {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const sf = ts.createSourceFile(
    path,
    text,
    ts.ScriptTarget.Latest,
    true,
    path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const imports: ImportRef[] = [];
  const literals: Parsed['literals'] = [];
  const visit = (node: ts.Node): void => {
    // Type-only means the whole clause (`import type {…}`, `export type {…}`): under
    // verbatimModuleSyntax `import { type X }` still loads the module at run time.
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      imports.push({
        specifier: node.moduleSpecifier.text,
        typeOnly: node.importClause?.isTypeOnly === true,
      });
      return;
    }
    if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      imports.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
      return;
    }
    if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      imports.push({ specifier: node.argument.literal.text, typeOnly: true });
      return;
    }
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      imports.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    if (ts.isTaggedTemplateExpression(node)) {
      const tag = node.tag.getText(sf);
      literals.push({ text: templateText(node.template), tagged: tag });
    } else if (ts.isTemplateExpression(node) && !ts.isTaggedTemplateExpression(node.parent)) {
      literals.push({ text: templateText(node), tagged: null });
    } else if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      !ts.isTaggedTemplateExpression(node.parent) &&
      !ts.isImportDeclaration(node.parent) &&
      !ts.isExportDeclaration(node.parent)
    ) {
      literals.push({ text: node.text, tagged: null });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports, literals };
}

/** templateText joins a template's literal parts, each interpolation as `${…}`. */
function templateText(t: ts.TemplateLiteral): string {
  if (ts.isNoSubstitutionTemplateLiteral(t)) return t.text;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder shown for an interpolation
  return [t.head.text, ...t.templateSpans.map((s) => s.literal.text)].join('${…}');
}

/** resolveSpecifier maps a relative specifier to a repo path (.js → .ts/.tsx); null: a package. */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = rel(resolve(ROOT, dirname(from), specifier));
  return target.replace(/\.jsx?$/, (ext) => (ext === '.jsx' ? '.tsx' : '.ts'));
}

interface Offence {
  readonly file: string;
  readonly what: string;
  readonly rule: Rule;
  readonly detail: string;
}

function check(files: readonly string[]): Offence[] {
  const out: Offence[] = [];
  for (const file of files) {
    const from = moduleOf(file);
    if (from === null) continue;
    const { imports, literals } = parse(file);
    for (const ref of imports) {
      const add = (rule: Rule, detail: string) => out.push({ file, what: ref.specifier, rule, detail });
      if (ref.specifier.startsWith('node:') && from !== 'web' && MODULES[from].nodeBuiltins === false)
        add('a: forbidden edge', `${from} imports no node: built-in (${MODULES[from].why})`);
      const target = resolveSpecifier(file, ref.specifier);
      if (target === null) continue;
      const to = moduleOf(target);
      if (from === 'web') {
        if (target.startsWith('web/') || WEB_MAY_IMPORT_CODE.includes(target)) continue;
        if (!WEB_MAY_IMPORT_TYPES.includes(target))
          add('a: forbidden edge', `web imports only ${WEB_MAY_IMPORT_TYPES}`);
        else if (!ref.typeOnly) add('a: forbidden edge', 'web imports it with `import type` only');
        continue;
      }
      if (to === null || to === 'web') {
        add('a: forbidden edge', `${target} is in no module`);
        continue;
      }
      const row: ModuleRule = MODULES[from];
      if (to !== from) {
        if (row.typeOnly?.includes(to)) {
          if (!ref.typeOnly) add('a: forbidden edge', `${from} may import only types from ${to}`);
        } else if (!row.mayImport.includes(to)) {
          add(
            'a: forbidden edge',
            `${from} may import ${[...row.mayImport, ...(row.typeOnly ?? []).map((m) => `types of ${m}`)].join(', ') || 'only itself'}: ${row.why}`,
          );
        }
      }
      // Index rule: production code across surfaces goes through the target's index.ts.
      if (from === 'test-support' || to === 'test-support') continue;
      const surface = surfaceOf(target);
      if (surface !== surfaceOf(file) && target !== `${surface}/index.ts`) {
        const sameModule = to === from;
        if (!sameModule || from === 'core')
          add('b: bypasses index.ts', `import from ${surface}/index.ts (${target} is internal)`);
      }
    }
    if (file.startsWith('src/store/') || from === 'test-support' || from === 'web') continue;
    for (const lit of literals) {
      const hit = lit.tagged === 'sql' ? /sql/ : SQL_PATTERNS.find((p) => p.test(lit.text));
      if (hit)
        out.push({
          file,
          what: excerpt(lit.tagged === null ? lit.text : `${lit.tagged}\`${lit.text}\``),
          rule: 'c: SQL outside store',
          detail: lit.tagged === 'sql' ? 'sql tag outside src/store/' : `matches ${hit.source}`,
        });
    }
  }
  return out.filter(
    (o) => !EXCEPTIONS.some((e) => e.file === o.file && e.what === o.what && e.rule === o.rule),
  );
}

const excerpt = (s: string) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
};

const report = (offences: readonly Offence[]) =>
  offences.map((o) => `  ${o.file} → ${o.what} (${o.rule}: ${o.detail})`).join('\n');

const FILES = [...sourceFiles('src'), ...sourceFiles('web/src')];
const OFFENCES = check(FILES);
const byRule = (rule: Rule) => OFFENCES.filter((o) => o.rule === rule);

describe('architecture (docs/architecture.md)', () => {
  it('finds the source files and knows every module of src/', () => {
    expect(FILES.length).toBeGreaterThan(100);
    const unknown = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !(e.name in MODULES))
      .map((e) => e.name);
    expect(unknown, 'a new folder under src/ needs a row in MODULES').toEqual([]);
  });

  it('lets the dashboard run only files outside web/ that import nothing', () => {
    for (const file of WEB_MAY_IMPORT_CODE) expect(parse(file).imports, file).toEqual([]);
  });

  const rules: ReadonlyArray<{ name: string; rule: Rule }> = [
    { name: '(a) every import follows the dependency table', rule: 'a: forbidden edge' },
    { name: '(b) imports across modules go through index.ts', rule: 'b: bypasses index.ts' },
    { name: '(c) no SQL text outside src/store/', rule: 'c: SQL outside store' },
  ];
  for (const { name, rule } of rules)
    it(name, () => {
      const found = byRule(rule);
      expect(found.length, `${found.length} offences of rule ${rule}:\n${report(found)}\n`).toBe(0);
    });
});
