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
    // Browser assertions poll the page; a loaded 2-core CI machine needs more than the 1 s default.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    // The JSON report feeds the one-line summary that .ci/run prints.
    reporters: ['default', ['json', { outputFile: 'test/artifacts/vitest-results.json' }]],
  },
});
