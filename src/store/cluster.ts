import type { Sql } from './sql.js';

/**
 * Cluster mode (`vigil serve --clickhouse-url … --cluster NAME`): the migrations are written for
 * one server, and ClusterRewriter turns each of their statements into the statements that make
 * the same schema on a ClickHouse cluster, in this one place, so neither the migrations nor the
 * queries change:
 *
 * - `CREATE TABLE db.t (…) ENGINE = <X>MergeTree(args) …` becomes a local table on every node,
 *   `db.t_local ON CLUSTER NAME … ENGINE = Replicated<X>MergeTree('/clickhouse/tables/{shard}/db/t_local',
 *   '{replica}', args) …`, and `db.t ON CLUSTER NAME AS db.t_local ENGINE = Distributed(NAME, db,
 *   t_local, <sharding key>)` under the name the queries use. The sharding key is SHARD_KEYS[t]
 *   when listed (also for `t_<anything>`, a rebuild of t), else cityHash64 of the ORDER BY columns: every version of one sorting key lands
 *   on one shard, so ReplacingMergeTree's FINAL holds per shard. `records` and `actuals` share
 *   cityHash64(project, model, id), so a record and its actual sit on one shard and their JOIN
 *   runs shard-locally (distributed_product_mode = 'local').
 * - Any other engine (Memory, Log, …) and a table already Replicated/Distributed are left alone.
 * - `CREATE MATERIALIZED VIEW db.v TO db.target AS SELECT … FROM db.src …` is made on every node
 *   over the local tables (`TO db.target_local`, `FROM db.src_local`): each shard's view sees the
 *   rows inserted into that shard. A view without `TO` is refused (its inner table would be
 *   neither replicated nor distributed).
 * - `CREATE DATABASE`, `CREATE VIEW` get `ON CLUSTER NAME`.
 * - `ALTER TABLE db.t DELETE|UPDATE …` (mutations) runs on the local tables `ON CLUSTER`; any
 *   other ALTER (ADD/DROP/MODIFY COLUMN, …) runs on the local tables `ON CLUSTER`, then the
 *   Distributed table is made again over them (a Distributed table cannot be altered ON CLUSTER
 *   on 18.16, and it must list the new columns).
 * - `RENAME TABLE db.a TO db.b, …` renames the local tables `ON CLUSTER` and makes the
 *   Distributed tables of every name involved again (each points at `<name>_local`).
 * - `DROP TABLE db.t` drops the Distributed and the local table `ON CLUSTER`.
 * - `OPTIMIZE TABLE db.t …` runs on the local tables `ON CLUSTER`.
 * - Everything else (INSERT … SELECT backfills, SELECT) runs as written, through the
 *   Distributed tables.
 *
 * What a migration must look like to work on a cluster (docs in src/store/migrations/migration.ts):
 * name tables only through `t('name')` (so they read `db.name`), one statement per Sql, engines
 * from the MergeTree family with `ORDER BY` (whose columns shard the table unless SHARD_KEYS
 * names a key), materialized views with `TO`, and no `_local` suffix in table names.
 *
 * The rewriter keeps state: the tables it has seen created (and renamed), with their sharding
 * keys, so a later ALTER or RENAME can make their Distributed tables again. The migration runner
 * feeds it every migration's statements in order, the applied ones too (their output unused).
 */

/** Sharding keys that are not the ORDER BY columns (records and actuals must share theirs). */
export const SHARD_KEYS: Readonly<Record<string, string>> = {
  records: 'cityHash64(project, model, id)',
  actuals: 'cityHash64(project, model, id)',
};

export const LOCAL_SUFFIX = '_local';

export interface ClusterLayout {
  cluster: string;
  database: string;
}

interface TableInfo {
  kind: 'table' | 'view';
  shardKey: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ClusterRewriter {
  readonly #cluster: string;
  readonly #db: string;
  readonly #tables = new Map<string, TableInfo>();

  constructor(layout: ClusterLayout) {
    if (!IDENT.test(layout.cluster)) throw new TypeError(`not a valid cluster name: ${layout.cluster}`);
    if (!IDENT.test(layout.database)) throw new TypeError(`not a valid database name: ${layout.database}`);
    this.#cluster = layout.cluster;
    this.#db = layout.database;
  }

  /** tables lists the replicated tables known so far (their Distributed names). */
  get tables(): string[] {
    return [...this.#tables].filter(([, t]) => t.kind === 'table').map(([n]) => n);
  }

  /** rewrite gives the statements that do `statement` on the cluster, in order. */
  rewrite(statement: Sql): Sql[] {
    const s = statement.trim();
    const head = s.slice(0, 200).replace(/\s+/g, ' ').toUpperCase();
    if (head.startsWith('CREATE DATABASE ')) return [this.#createDatabase(s)];
    if (head.startsWith('CREATE TABLE ')) return this.#createTable(s);
    if (head.startsWith('CREATE MATERIALIZED VIEW ')) return [this.#createMaterializedView(s)];
    if (head.startsWith('CREATE VIEW ')) return [this.#createView(s)];
    if (head.startsWith('ALTER TABLE ')) return this.#alter(s);
    if (head.startsWith('RENAME TABLE ')) return this.#rename(s);
    if (head.startsWith('DROP TABLE ') || head.startsWith('DROP VIEW ')) return this.#drop(s);
    if (head.startsWith('OPTIMIZE TABLE ')) return this.#optimize(s);
    return [statement];
  }

  get #on(): string {
    return `ON CLUSTER ${this.#cluster}`;
  }

  #name(n: string): string {
    return `${this.#db}.${n}`;
  }

  #distributed(name: string, ifNotExists: boolean): string {
    const info = this.#tables.get(name);
    const key = info?.shardKey ?? 'rand()';
    return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${this.#name(name)} ${this.#on} AS ${this.#name(name + LOCAL_SUFFIX)} ENGINE = Distributed(${this.#cluster}, ${this.#db}, ${name}${LOCAL_SUFFIX}, ${key})`;
  }

  /** #ownTable reads `db.name` at the start of `text`; null when it names another database. */
  #ownTable(text: string): { name: string; rest: string } | null {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)/.exec(text);
    if (!m || m[1] !== this.#db) return null;
    return { name: m[2] as string, rest: text.slice(m[0].length) };
  }

  #createDatabase(s: string): Sql {
    const m = /^CREATE\s+DATABASE\s+(IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)([\s\S]*)$/i.exec(s);
    if (!m || /\bON\s+CLUSTER\b/i.test(s)) return s as Sql;
    return `CREATE DATABASE ${m[1] ?? ''}${m[2]} ${this.#on}${m[3]}` as Sql;
  }

  #createTable(s: string): Sql[] {
    const m = /^CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?/i.exec(s);
    if (!m || /\bON\s+CLUSTER\b/i.test(s)) return [s as Sql];
    const ine = m[1] ? 'IF NOT EXISTS ' : '';
    const own = this.#ownTable(s.slice(m[0].length));
    if (!own) return [s as Sql];
    const { name } = own;
    let rest = own.rest.trimStart();
    let columns: string;
    if (rest.startsWith('(')) {
      const close = matchParen(rest, 0);
      columns = rest.slice(0, close + 1);
      rest = rest.slice(close + 1);
    } else {
      // CREATE TABLE db.t AS db.other ENGINE = …: the local table copies the other's local table.
      const as = /^AS\s+/i.exec(rest);
      const other = as ? this.#ownTable(rest.slice(as[0].length)) : null;
      if (!as || !other) return [s as Sql];
      columns = `AS ${this.#name(other.name + LOCAL_SUFFIX)}`;
      rest = other.rest;
    }
    const engine = /^\s*ENGINE\s*=\s*([A-Za-z]*)MergeTree\b/i.exec(rest);
    if (!engine || /^(Replicated|Distributed)/i.test(engine[1] ?? '')) return [s as Sql];
    let after = rest.slice(engine[0].length);
    let args = '';
    const open = /^\s*\(/.exec(after);
    if (open) {
      const start = open[0].length - 1;
      const close = matchParen(after, start);
      args = after.slice(start + 1, close).trim();
      after = after.slice(close + 1);
    }
    const local = name + LOCAL_SUFFIX;
    const path = `'/clickhouse/tables/{shard}/${this.#db}/${local}'`;
    const engineSql = `Replicated${engine[1]}MergeTree(${path}, '{replica}'${args ? `, ${args}` : ''})`;
    this.#tables.set(name, { kind: 'table', shardKey: shardKeyFor(name) ?? shardKeyOf(after) });
    return [
      `CREATE TABLE ${ine}${this.#name(local)} ${this.#on} ${columns} ENGINE = ${engineSql}${after}` as Sql,
      this.#distributed(name, true) as Sql,
    ];
  }

  #createMaterializedView(s: string): Sql {
    const m = /^CREATE\s+MATERIALIZED\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?/i.exec(s);
    if (!m || /\bON\s+CLUSTER\b/i.test(s)) return s as Sql;
    const own = this.#ownTable(s.slice(m[0].length));
    if (!own) return s as Sql;
    const to = /^\s*TO\s+/i.exec(own.rest);
    if (!to)
      throw new TypeError(
        `materialized view ${own.name}: on a cluster a materialized view needs TO <table> (a replicated table of its own)`,
      );
    this.#tables.set(own.name, { kind: 'view', shardKey: 'rand()' });
    // Every table of this database named in the view (its target and its sources) is the local one.
    const body = this.#toLocal(own.rest);
    return `CREATE MATERIALIZED VIEW ${m[1] ?? ''}${this.#name(own.name)} ${this.#on}${body}` as Sql;
  }

  #createView(s: string): Sql {
    const m = /^CREATE\s+VIEW\s+(IF\s+NOT\s+EXISTS\s+)?/i.exec(s);
    if (!m || /\bON\s+CLUSTER\b/i.test(s)) return s as Sql;
    const own = this.#ownTable(s.slice(m[0].length));
    if (!own) return s as Sql;
    this.#tables.set(own.name, { kind: 'view', shardKey: 'rand()' });
    return `CREATE VIEW ${m[1] ?? ''}${this.#name(own.name)} ${this.#on}${own.rest}` as Sql;
  }

  /** #toLocal points every `db.t` of a known replicated table in `text` at `db.t_local`. */
  #toLocal(text: string): string {
    const re = new RegExp(`\\b${this.#db}\\.([A-Za-z_][A-Za-z0-9_]*)\\b`, 'g');
    return text.replace(re, (whole, n: string) =>
      this.#tables.get(n)?.kind === 'table' ? this.#name(n + LOCAL_SUFFIX) : whole,
    );
  }

  #alter(s: string): Sql[] {
    const m = /^ALTER\s+TABLE\s+/i.exec(s);
    const own = m ? this.#ownTable(s.slice(m[0].length)) : null;
    if (!own || /^\s*ON\s+CLUSTER\b/i.test(own.rest)) return [s as Sql];
    const info = this.#tables.get(own.name);
    if (info?.kind !== 'table') return [s as Sql];
    const local = `ALTER TABLE ${this.#name(own.name + LOCAL_SUFFIX)} ${this.#on}${own.rest}` as Sql;
    if (/^\s*(DELETE|UPDATE)\b/i.test(own.rest)) return [local];
    return [
      local,
      `DROP TABLE IF EXISTS ${this.#name(own.name)} ${this.#on}` as Sql,
      this.#distributed(own.name, false) as Sql,
    ];
  }

  #rename(s: string): Sql[] {
    const body = s.replace(/^RENAME\s+TABLE\s+/i, '');
    if (/\bON\s+CLUSTER\b/i.test(body)) return [s as Sql];
    const pairs: [string, string][] = [];
    for (const part of body.split(',')) {
      const p = /^\s*([A-Za-z0-9_.]+)\s+TO\s+([A-Za-z0-9_.]+)\s*$/i.exec(part);
      const from = p ? this.#ownTable(p[1] as string) : null;
      const to = p ? this.#ownTable(p[2] as string) : null;
      if (!from || !to || from.rest || to.rest) return [s as Sql];
      pairs.push([from.name, to.name]);
    }
    if (!pairs.every(([from]) => this.#tables.get(from)?.kind === 'table')) return [s as Sql];
    const out: Sql[] = [
      `RENAME TABLE ${pairs.map(([a, b]) => `${this.#name(a + LOCAL_SUFFIX)} TO ${this.#name(b + LOCAL_SUFFIX)}`).join(', ')} ${this.#on}` as Sql,
    ];
    const involved = new Set(pairs.flat());
    for (const n of involved) out.push(`DROP TABLE IF EXISTS ${this.#name(n)} ${this.#on}` as Sql);
    // The renames happen one after another (a swap goes through a third name).
    for (const [from, to] of pairs) {
      const info = this.#tables.get(from) as TableInfo;
      this.#tables.delete(from);
      this.#tables.set(to, info);
    }
    for (const n of involved) if (this.#tables.has(n)) out.push(this.#distributed(n, false) as Sql);
    return out;
  }

  #drop(s: string): Sql[] {
    const m = /^DROP\s+(TABLE|VIEW)\s+(IF\s+EXISTS\s+)?/i.exec(s);
    const own = m ? this.#ownTable(s.slice(m[0].length)) : null;
    if (own === null || own.rest.trim() !== '') return [s as Sql];
    const info = this.#tables.get(own.name);
    // A table this rewriter has not seen made (renamed away, or made by an earlier run): drop
    // both names on every node, which IF EXISTS makes safe whichever exists.
    if (!info)
      return m?.[2]
        ? [
            `DROP TABLE IF EXISTS ${this.#name(own.name)} ${this.#on}` as Sql,
            `DROP TABLE IF EXISTS ${this.#name(own.name + LOCAL_SUFFIX)} ${this.#on}` as Sql,
          ]
        : [s as Sql];
    this.#tables.delete(own.name);
    const out = [`DROP TABLE IF EXISTS ${this.#name(own.name)} ${this.#on}` as Sql];
    if (info.kind === 'table')
      out.push(`DROP TABLE IF EXISTS ${this.#name(own.name + LOCAL_SUFFIX)} ${this.#on}` as Sql);
    return out;
  }

  #optimize(s: string): Sql[] {
    const m = /^OPTIMIZE\s+TABLE\s+/i.exec(s);
    const own = m ? this.#ownTable(s.slice(m[0].length)) : null;
    if (!own || this.#tables.get(own.name)?.kind !== 'table' || /\bON\s+CLUSTER\b/i.test(own.rest))
      return [s as Sql];
    return [`OPTIMIZE TABLE ${this.#name(own.name + LOCAL_SUFFIX)} ${this.#on}${own.rest}` as Sql];
  }
}

/**
 * clusterMutation rewrites a mutation issued at run time (`ALTER TABLE db.t DELETE|UPDATE …`)
 * to run on the local tables of every shard; any other statement comes back as it is.
 */
export function clusterMutation(statement: Sql, layout: ClusterLayout): Sql {
  const s = statement.trim();
  const m = new RegExp(
    `^ALTER\\s+TABLE\\s+${layout.database}\\.([A-Za-z_][A-Za-z0-9_]*)(\\s+(?:DELETE|UPDATE)\\b[\\s\\S]*)$`,
    'i',
  ).exec(s);
  if (!m || (m[1] as string).endsWith(LOCAL_SUFFIX)) return statement;
  return `ALTER TABLE ${layout.database}.${m[1]}${LOCAL_SUFFIX} ON CLUSTER ${layout.cluster}${m[2]}` as Sql;
}

/**
 * shardKeyFor: the listed sharding key of a table, also for the tables of its rebuilds
 * (`records_new`, `records_v2`, …, swapped in by RENAME, must shard as `records` does).
 */
export function shardKeyFor(name: string): string | undefined {
  const own = SHARD_KEYS[name];
  if (own !== undefined) return own;
  for (const [table, key] of Object.entries(SHARD_KEYS)) if (name.startsWith(`${table}_`)) return key;
  return undefined;
}

/** shardKeyOf: cityHash64 of the ORDER BY columns of a CREATE TABLE's tail (rand() if none). */
export function shardKeyOf(tail: string): string {
  const m = /\bORDER\s+BY\s+/i.exec(tail);
  if (!m) return 'rand()';
  let rest = tail.slice(m.index + m[0].length).trimStart();
  let expr: string;
  if (rest.startsWith('(')) {
    const close = matchParen(rest, 0);
    expr = rest.slice(1, close).trim();
  } else {
    const end = /\s+(PRIMARY\s+KEY|SAMPLE\s+BY|TTL|SETTINGS)\b|$/i.exec(rest);
    rest = rest.slice(0, end ? end.index : rest.length);
    expr = rest.trim();
  }
  if (expr === '' || /^tuple\(\s*\)$/i.test(expr)) return 'rand()';
  return `cityHash64(${expr})`;
}

/** matchParen: index of the parenthesis closing the one at `open` (quotes skipped). */
function matchParen(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '`' || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new TypeError('unbalanced parentheses in a migration statement');
}
