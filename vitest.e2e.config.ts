import { defineConfig } from 'vitest/config';

// End-to-end tests: the built renderer in Debian's Chromium through the browser bridge.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
