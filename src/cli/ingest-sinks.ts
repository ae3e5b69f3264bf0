import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IngestKind, IngestResult } from '../ingest/index.js';
import { IngestService } from '../ingest/index.js';
import { errorMessage, VigilError } from '../shared/index.js';
import type { Store, StoreOptions } from '../store/index.js';
import { WriteQueue } from '../store/index.js';
import { openCliStore } from './cli-errors.js';

/** Sink takes record batches from a file import and commits them somewhere. */
export interface Sink {
  send(kind: IngestKind, records: unknown[], firstIndex: number): Promise<IngestResult>;
  close(): Promise<void>;
}

/** LocalSink is a Sink on a store this process holds, taking rows with their own row numbers too. */
export interface LocalSink extends Sink {
  store: Store;
  sendItems(kind: IngestKind, items: ReadonlyArray<{ index: number; value: unknown }>): Promise<IngestResult>;
}

/** localSink writes straight into a store this process opens (embedded folder or ClickHouse server). */
export async function localSink(storeOpts: StoreOptions, project: string): Promise<LocalSink> {
  const store = await openCliStore(storeOpts);
  const queue = new WriteQueue({ store, maxQueuedRows: 2_000_000 });
  const ingest = new IngestService({ store, queue });
  return {
    store,
    sendItems: (kind, items) => ingest.ingestValues(kind, project, items),
    send: (kind, records, firstIndex) =>
      ingest.ingestValues(
        kind,
        project,
        records.map((value, i) => ({ index: firstIndex + i, value })),
      ),
    async close() {
      await queue.drain();
      await store.close();
    },
  };
}

/**
 * httpSink posts batches to a running Vigil server. Each batch carries an Idempotency-Key, so a
 * retry after a timeout or a 503 (queue full) can never count a row twice.
 */
export function httpSink(baseUrl: string, project: string, apiKey?: string): Sink {
  const run = randomUUID();
  let batch = 0;
  return {
    async send(kind, records, firstIndex) {
      const key = `${run}-${batch++}`;
      const body = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
      for (let attempt = 0; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(new URL(`/v1/${kind}`, baseUrl), {
            method: 'POST',
            headers: {
              'content-type': 'application/x-ndjson',
              'idempotency-key': key,
              'x-vigil-project': project,
              ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
            },
            body,
          });
        } catch (e) {
          if (attempt < 8) {
            await sleep(Math.min(200 * 2 ** attempt, 5000));
            continue;
          }
          throw new VigilError('server_unreachable', `${baseUrl}: ${errorMessage(e)}`, { cause: e });
        }
        if ((res.status === 503 || res.status === 429) && attempt < 30) {
          await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
          continue;
        }
        const text = await res.text();
        let parsed: (IngestResult & { error?: { message: string } }) | undefined;
        try {
          parsed = JSON.parse(text) as IngestResult & { error?: { message: string } };
        } catch {
          parsed = undefined;
        }
        if ((res.status === 200 || res.status === 400) && parsed && typeof parsed.accepted === 'number') {
          return {
            accepted: parsed.accepted,
            rejected: parsed.rejected,
            errors: parsed.errors.map((e) => ({ ...e, index: e.index + firstIndex })),
          };
        }
        throw new VigilError(
          'server_error',
          `${baseUrl} answered ${res.status}: ${parsed?.error?.message ?? text.slice(0, 300)}`,
        );
      }
    },
    async close() {},
  };
}
