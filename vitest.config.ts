import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'tests/lab/**', 'node_modules/**'],
    testTimeout: 30_000,
    setupFiles: ['tests/setup/fast-check.ts'],
  },
});
