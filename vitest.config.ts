import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{config,connectors,gateway,tests}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'data/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites share the local MariaDB/Redis; each creates its own database/key prefix, so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
