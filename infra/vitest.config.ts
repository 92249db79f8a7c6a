import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'infra',
    include: ['test/**/*.test.ts'],
    // Synthesizing the whole app takes seconds, not milliseconds; a slow CI box must not fail a correct template.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
