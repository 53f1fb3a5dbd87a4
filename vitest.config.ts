import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'sim/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The JSON report feeds scripts/test-summary.mjs, which prints one closing line for CI.
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/unit.json' },
  },
});
