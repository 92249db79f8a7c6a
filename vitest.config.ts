import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'app',
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // Each worker holds one PGlite (~300 MB) or a PostgreSQL database of its own.
          maxWorkers: 2,
          // infra/ sets its own worker count; projects with different counts run as separate groups.
          sequence: { groupOrder: 1 },
        },
      },
      'infra',
    ],
  },
});
