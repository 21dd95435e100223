import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The lab runs real servers: its own config, one file at a time, long timeouts.
// npx vitest run --config tests/lab/vitest.config.ts   (LAB_FULL=1 for every scenario)
export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    include: ['tests/lab/**/*.lab.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 15 * 60_000,
  },
});
