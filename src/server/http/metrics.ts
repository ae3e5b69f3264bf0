import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { IngestCounters } from '../../ingest/index.js';
import type { TableName } from '../../store/index.js';

/** ServerMetrics is the Prometheus registry of one server, exposed at /metrics. */
export interface ServerMetrics {
  registry: Registry;
  ingest: IngestCounters;
  onCommit: (table: TableName, rows: number, seconds: number) => void;
  setQueueDepth: (fn: () => number) => void;
}

export function createMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_process_' });
  const accepted = new Counter({
    name: 'vigil_records_ingested_total',
    help: 'Rows accepted and committed, by kind (records, actuals)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'vigil_records_rejected_total',
    help: 'Rows refused by validation, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const insertSeconds = new Histogram({
    name: 'vigil_insert_duration_seconds',
    help: 'Time of one group-commit insert into the store, by table',
    labelNames: ['table'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const insertRows = new Counter({
    name: 'vigil_insert_rows_total',
    help: 'Rows written to the store, by table',
    labelNames: ['table'],
    registers: [registry],
  });
  let depth: () => number = () => 0;
  new Gauge({
    name: 'vigil_write_queue_rows',
    help: 'Rows waiting for or in a commit',
    registers: [registry],
    collect() {
      this.set(depth());
    },
  });
  return {
    registry,
    ingest: {
      accepted: (kind, n) => accepted.inc({ kind }, n),
      rejected: (kind, n) => rejected.inc({ kind }, n),
    },
    onCommit: (table, rows, seconds) => {
      insertSeconds.observe({ table }, seconds);
      insertRows.inc({ table }, rows);
    },
    setQueueDepth: (fn) => {
      depth = fn;
    },
  };
}
