import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB instances are heavy; two workers match the 2-core machines.
    pool: 'forks',
    maxWorkers: 2,
    env: { TZ: 'UTC' },
    // The JSON report feeds the one-line summary that .ci/run prints.
    reporters: ['default', ['json', { outputFile: 'test/artifacts/vitest-results.json' }]],
  },
});
