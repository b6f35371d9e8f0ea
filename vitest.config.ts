import { defineConfig } from 'vitest/config';

// Workflow, database and browser tests start real servers (Temporal, PostgreSQL, Chromium): they get
// long timeouts and separate processes; the toolchain is obtained once in the global setup.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    reporters: ['default', './test/summaryReporter.ts'],
  },
});
