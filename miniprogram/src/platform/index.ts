// Fallback for tooling (tsc, vitest): builds resolve index.<TARO_ENV>.ts instead.
export { platform } from './index.h5';
export type * from './types';
