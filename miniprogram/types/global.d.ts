/// <reference types="@tarojs/taro" />

declare module '*.scss';

/** Gateway origin baked in at build time (config/index.ts `defineConstants`); '' = same origin (H5). */
declare const GCRM_API_BASE: string;

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test';
    TARO_ENV: 'weapp' | 'alipay' | 'dd' | 'qywx' | 'h5';
    GCRM_API_BASE?: string;
  }
}
