import { describe, expect, it } from 'vitest';
import { ClusterRewriter, clusterMutation, shardKeyOf } from './cluster.js';
import { migrations } from './migrations/index.js';
import type { Sql } from './sql.js';

const one = (s: string) => s.replace(/\s+/g, ' ').trim();
const layout = { cluster: 'c1', database: 'vigil' };
const rw = () => new ClusterRewriter(layout);
const q = (s: string) => s as Sql;

describe('cluster rewriting of migration statements', () => {
  it('makes a replicated local table and a Distributed table, sharding records and actuals alike', () => {
    const r = rw();
    const out = migrations
      .flatMap((m) => m.statements((n) => `vigil.${n}` as Sql))
      .flatMap((s) => r.rewrite(s))
      .map(one);
    // The tables migration 1 creates (later migrations alter and rebuild records: see the RENAME test).
    const records = out.filter((s) => /^CREATE TABLE IF NOT EXISTS vigil\.records(_local)? /.test(s));
    expect(records).toHaveLength(2);
    expect(records[0]).toMatch(
      /^CREATE TABLE IF NOT EXISTS vigil\.records_local ON CLUSTER c1 \( project String, .* latency_ms Nullable\(Float64\) \) ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/vigil\/records_local', '\{replica\}', received\) PARTITION BY toYYYYMM\(toDateTime\(intDiv\(ts, 1000\)\)\) ORDER BY \(project, model, environment, id\)$/,
    );
    expect(records[1]).toBe(
      'CREATE TABLE IF NOT EXISTS vigil.records ON CLUSTER c1 AS vigil.records_local ENGINE = Distributed(c1, vigil, records_local, cityHash64(project, model, id))',
    );
    expect(out).toContain(
      'CREATE TABLE IF NOT EXISTS vigil.actuals ON CLUSTER c1 AS vigil.actuals_local ENGINE = Distributed(c1, vigil, actuals_local, cityHash64(project, model, id))',
    );
    // A plain MergeTree (no arguments) and a key of one column.
    expect(
      out.some((s) =>
        s.includes("ReplicatedMergeTree('/clickhouse/tables/{shard}/vigil/rejected_local', '{replica}')"),
      ),
    ).toBe(true);
    expect(out).toContain(
      'CREATE TABLE IF NOT EXISTS vigil.auth_keys ON CLUSTER c1 AS vigil.auth_keys_local ENGINE = Distributed(c1, vigil, auth_keys_local, cityHash64(id))',
    );
    // Every statement but a data copy (INSERT … SELECT through the Distributed tables) runs on every node.
    expect(out.filter((s) => !s.startsWith('INSERT INTO ')).every((s) => s.includes('ON CLUSTER c1'))).toBe(
      true,
    );
  });

  it('leaves other engines and other databases alone, and adds ON CLUSTER to CREATE DATABASE', () => {
    const r = rw();
    const memory = q('CREATE TABLE vigil.tmp (a UInt8) ENGINE = Memory');
    expect(r.rewrite(memory)).toEqual([memory]);
    const other = q('CREATE TABLE other.t (a UInt8) ENGINE = MergeTree ORDER BY a');
    expect(r.rewrite(other)).toEqual([other]);
    expect(r.rewrite(q('CREATE DATABASE IF NOT EXISTS vigil'))).toEqual([
      'CREATE DATABASE IF NOT EXISTS vigil ON CLUSTER c1',
    ]);
    expect(r.rewrite(q('SELECT 1'))).toEqual(['SELECT 1']);
  });

  it('alters the local tables and makes the Distributed table again; mutations touch the local tables only', () => {
    const r = rw();
    r.rewrite(q('CREATE TABLE vigil.t (a String, b UInt64) ENGINE = SummingMergeTree((b)) ORDER BY (a)'));
    expect(r.rewrite(q('ALTER TABLE vigil.t ADD COLUMN c UInt8 DEFAULT 0')).map(one)).toEqual([
      'ALTER TABLE vigil.t_local ON CLUSTER c1 ADD COLUMN c UInt8 DEFAULT 0',
      'DROP TABLE IF EXISTS vigil.t ON CLUSTER c1',
      'CREATE TABLE vigil.t ON CLUSTER c1 AS vigil.t_local ENGINE = Distributed(c1, vigil, t_local, cityHash64(a))',
    ]);
    expect(r.rewrite(q("ALTER TABLE vigil.t DELETE WHERE a = 'x'"))).toEqual([
      "ALTER TABLE vigil.t_local ON CLUSTER c1 DELETE WHERE a = 'x'",
    ]);
    expect(clusterMutation(q("ALTER TABLE vigil.records UPDATE x = 1 WHERE id = 'a'"), layout)).toBe(
      "ALTER TABLE vigil.records_local ON CLUSTER c1 UPDATE x = 1 WHERE id = 'a'",
    );
    const notAMutation = q('ALTER TABLE vigil.records ADD COLUMN x UInt8');
    expect(clusterMutation(notAMutation, layout)).toBe(notAMutation);
  });

  it('rebuilds a table through RENAME: locals renamed ON CLUSTER, Distributed tables made again by name', () => {
    const r = rw();
    r.rewrite(
      q(
        'CREATE TABLE IF NOT EXISTS vigil.records (project String, model String, id String) ENGINE = ReplacingMergeTree ORDER BY (project, model, id)',
      ),
    );
    // The rebuild's table shards as records does (its name starts with records_).
    r.rewrite(
      q(
        'CREATE TABLE IF NOT EXISTS vigil.records_new (project String, model String, id String, b UInt8) ENGINE = ReplacingMergeTree ORDER BY (project, b, model, id)',
      ),
    );
    const out = r
      .rewrite(q('RENAME TABLE vigil.records TO vigil.records_old, vigil.records_new TO vigil.records'))
      .map(one);
    expect(out[0]).toBe(
      'RENAME TABLE vigil.records_local TO vigil.records_old_local, vigil.records_new_local TO vigil.records_local ON CLUSTER c1',
    );
    expect(out.slice(1)).toEqual([
      'DROP TABLE IF EXISTS vigil.records ON CLUSTER c1',
      'DROP TABLE IF EXISTS vigil.records_old ON CLUSTER c1',
      'DROP TABLE IF EXISTS vigil.records_new ON CLUSTER c1',
      'CREATE TABLE vigil.records ON CLUSTER c1 AS vigil.records_local ENGINE = Distributed(c1, vigil, records_local, cityHash64(project, model, id))',
      'CREATE TABLE vigil.records_old ON CLUSTER c1 AS vigil.records_old_local ENGINE = Distributed(c1, vigil, records_old_local, cityHash64(project, model, id))',
    ]);
    expect(r.rewrite(q('DROP TABLE IF EXISTS vigil.records_old'))).toEqual([
      'DROP TABLE IF EXISTS vigil.records_old ON CLUSTER c1',
      'DROP TABLE IF EXISTS vigil.records_old_local ON CLUSTER c1',
    ]);
    expect(r.tables.sort()).toEqual(['records']);
  });

  it('makes a materialized view over the local tables, and refuses one without TO', () => {
    const r = rw();
    r.rewrite(
      q('CREATE TABLE vigil.records (project String, ts Int64) ENGINE = MergeTree ORDER BY (project, ts)'),
    );
    r.rewrite(
      q(
        'CREATE TABLE vigil.hourly (project String, h Int64, n AggregateFunction(count)) ENGINE = AggregatingMergeTree ORDER BY (project, h)',
      ),
    );
    expect(
      one(
        r.rewrite(
          q(
            'CREATE MATERIALIZED VIEW IF NOT EXISTS vigil.hourly_mv TO vigil.hourly AS SELECT project, intDiv(ts, 3600000) AS h, countState() AS n FROM vigil.records GROUP BY project, h',
          ),
        )[0] as string,
      ),
    ).toBe(
      'CREATE MATERIALIZED VIEW IF NOT EXISTS vigil.hourly_mv ON CLUSTER c1 TO vigil.hourly_local AS SELECT project, intDiv(ts, 3600000) AS h, countState() AS n FROM vigil.records_local GROUP BY project, h',
    );
    expect(() => r.rewrite(q('CREATE MATERIALIZED VIEW vigil.v ENGINE = Memory AS SELECT 1'))).toThrow(
      /needs TO/,
    );
    expect(r.rewrite(q('DROP TABLE vigil.hourly_mv'))).toEqual([
      'DROP TABLE IF EXISTS vigil.hourly_mv ON CLUSTER c1',
    ]);
  });

  it('shards by the ORDER BY columns', () => {
    expect(shardKeyOf(' ORDER BY id')).toBe('cityHash64(id)');
    expect(
      shardKeyOf(' PARTITION BY x ORDER BY (a, toStartOfHour(b)) SETTINGS index_granularity = 8192'),
    ).toBe('cityHash64(a, toStartOfHour(b))');
    expect(shardKeyOf(' ORDER BY tuple()')).toBe('rand()');
  });
});
