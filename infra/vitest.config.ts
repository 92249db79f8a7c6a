import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'infra',
    include: ['test/**/*.test.ts'],
    // Synthesizing the whole app takes seconds, not milliseconds; a slow CI box must not fail a correct template.
    testTimeout: 120_000,
    // Test files only read synthesized templates, so they can share a worker's modules and with them the
    // memoised synth in test/support/synth.ts: one synth per variant per worker instead of one per file.
    isolate: false,
    hookTimeout: 120_000,
  },
});
