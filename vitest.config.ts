import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const mp = (p: string) => fileURLToPath(new URL(`./miniprogram/${p}`, import.meta.url));

export default defineConfig({
  test: {
    // Suites share the local MariaDB/Redis; each creates its own database/key prefix, so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          include: ['{config,connectors,gateway,tests}/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'data/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The mini-program's component tests: jsdom, Taro replaced by small stubs (miniprogram/test/).
        resolve: {
          alias: [
            { find: /^@tarojs\/taro$/, replacement: mp('test/taro-stub.ts') },
            { find: /^@tarojs\/components$/, replacement: mp('test/components-stub.tsx') },
          ],
        },
        define: {
          'process.env.TARO_ENV': JSON.stringify('h5'),
          GCRM_API_BASE: JSON.stringify('http://gateway.test'),
          ENABLE_INNER_HTML: 'true',
          ENABLE_ADJACENT_HTML: 'true',
          ENABLE_SIZE_APIS: 'true',
          ENABLE_TEMPLATE_CONTENT: 'true',
          ENABLE_CLONE_NODE: 'true',
          ENABLE_CONTAINS: 'true',
          ENABLE_MUTATION_OBSERVER: 'true',
          DEPRECATED_ADAPTER_COMPONENT: 'false',
        },
        test: {
          name: 'miniprogram',
          environment: 'jsdom',
          include: ['miniprogram/src/**/*.test.{ts,tsx}'],
          setupFiles: [mp('test/setup.ts')],
          testTimeout: 10_000,
        },
      },
    ],
  },
});
