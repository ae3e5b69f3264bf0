import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTestDataDir, dropTestStore, openTestStore } from '../../store/test-support/test-store.js';
import { buildServer } from '../app.js';
import { fraudRecord, postNdjson } from '../test-support.js';

afterAll(() => cleanupTestDataDir());

// `npm run bench -- scale` measures cold answers: with responseCache false every GET is computed.
describe('response cache off', () => {
  it('computes a repeated analytic GET again instead of answering it from the cache', async () => {
    const store = await openTestStore();
    const server = await buildServer({ store, responseCache: false });
    try {
      await postNdjson(
        server.app,
        '/v1/records',
        Array.from({ length: 20 }, (_, i) => fraudRecord(i)),
      );
      const url = '/v1/models/fraud/performance?granularity=day';
      const first = await server.app.inject({ method: 'GET', url });
      expect(first.statusCode).toBe(200);
      const second = await server.app.inject({ method: 'GET', url });
      expect(second.statusCode).toBe(200);
      expect(second.headers['x-vigil-cache']).toBeUndefined();
      expect(second.body).toBe(first.body);
    } finally {
      await server.close();
      await dropTestStore(store);
    }
  });
});
