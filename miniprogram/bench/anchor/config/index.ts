import path from 'node:path';
import { defineConfig } from '@tarojs/cli';

/**
 * The anchor for `npm run bench:mp`: the smallest Taro 4 React H5 app that shows what our home shows
 * first (a title and a list of services), built with the same runner and router as the product.
 * The distance between the two is what our own code costs.
 */
export default defineConfig<'webpack5'>(async () => ({
  projectName: 'gcrm-bench-anchor',
  date: '2026-11-27',
  designWidth: 750,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: 'dist/h5',
  plugins: [],
  framework: 'react',
  compiler: 'webpack5',
  cache: { enable: false },
  logger: { quiet: true, stats: false },
  h5: {
    publicPath: '/',
    router: { mode: 'hash' },
    output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[contenthash:8].js' },
    // Packages live in miniprogram/node_modules and the repository root (npm workspaces).
    webpackChain: (chain: { resolve: { modules: { add(p: string): { add(p: string): unknown } } } }) => {
      chain.resolve.modules
        .add(path.resolve(__dirname, '..', '..', 'node_modules'))
        .add(path.resolve(__dirname, '..', '..', '..', 'node_modules'));
    },
  },
}));
