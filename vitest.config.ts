import { defineConfig } from 'vitest/config';

// Two projects. `unit`: pure rules (test/unit: domain/, formats/, the console's pure helpers; they
// import nothing from server/) and the server's pure modules (test/server: crypto, config), nothing to
// start: `npm run test:unit` runs them in seconds. `integration`: workflows, databases, the API and the
// browser against real servers (Temporal, PostgreSQL, Chromium); the toolchain is obtained once in its
// global setup, and they get long timeouts and separate processes. `npm test` runs both.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/summaryReporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/server/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/{toolchain,activities,workflows,api,e2e}/**/*.test.ts'],
          globalSetup: ['test/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
