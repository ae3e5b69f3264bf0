import { defineConfig } from 'vitest/config';

// Tiers by the infrastructure a test needs (see docs/testing.md):
// unit = pure, seconds; integration = a real ClickHouse (VIGIL_TEST_ENGINE=chdb|server);
// e2e = headless Chromium (Debian's chromium package).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          setupFiles: ['src/test-support/fast-check-seed.ts'],
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'web/src/**/*.test.ts'],
          exclude: ['src/**/*.int.test.ts', 'src/**/*.e2e.test.ts', 'web/e2e/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.int.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // chdb is one engine per process and one owner per data folder: run files one at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['src/**/*.e2e.test.ts', 'web/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
