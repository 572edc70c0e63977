import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

// npm workspaces hoist most packages to the root; a few stay in miniprogram/node_modules, and hoisted
// packages (e.g. @tarojs/taro-h5) must still find them.
type Chain = {
  resolve: { modules: { add(p: string): Chain['resolve']['modules'] } };
  optimization: { splitChunks(options: unknown): unknown };
};
const resolveBoth = (chain: Chain) => {
  chain.resolve.modules.add(path.resolve(__dirname, '..', 'node_modules')).add('node_modules');
};

/**
 * One config for every target. `TARO_ENV` picks the platform (weapp, dd, qywx, h5); each build goes to
 * its own `dist/<platform>` so that `npm run build:mp` can keep all four side by side.
 * `GCRM_API_BASE` is the gateway origin baked into mini-program builds (H5 defaults to its own origin).
 */
export default defineConfig<'webpack5'>(async () => {
  const env = process.env.TARO_ENV ?? 'h5';
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'gcrm-miniprogram',
    date: '2026-11-27',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${env}`,
    plugins: ['@tarojs/plugin-platform-alipay-dd', '@tarojs/plugin-platform-weapp-qy'],
    defineConstants: {
      GCRM_API_BASE: JSON.stringify(
        process.env.GCRM_API_BASE ?? (env === 'h5' ? '' : 'http://127.0.0.1:3000'),
      ),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    logger: { quiet: true, stats: false },
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
      optimizeMainPackage: { enable: true },
      webpackChain: (chain) => resolveBoth(chain as Chain),
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[contenthash:8].js' },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: { autoprefixer: { enable: true, config: {} }, cssModules: { enable: false } },
      webpackChain: (chain) => {
        resolveBoth(chain as Chain);
        // Without this every page chunk carried its own copy of the H5 components (~140 KB each).
        (chain as Chain).optimization.splitChunks({
          chunks: 'all',
          cacheGroups: {
            defaultVendors: false,
            default: false,
            components: {
              name: 'taro-components',
              test: /[\\/]@tarojs[\\/](components|components-react)[\\/]/,
              chunks: 'all',
              priority: 20,
              enforce: true,
            },
            // The form renderer (widgets, signature pad, uploader, linkage) is for the pages that show forms;
            // in `common` it was loaded by the home too.
            forms: {
              name: 'forms',
              test: /[\\/]src[\\/](components[\\/](FormRenderer|Signature|Uploader)|lib[\\/](form-model|conditions|signature))[\\/.]/,
              chunks: 'async',
              priority: 15,
              enforce: true,
            },
            common: { name: 'common', minChunks: 2, chunks: 'async', priority: 10, reuseExistingChunk: true },
          },
        });
      },
    },
  };
  return config;
});
