export { platform } from './index.alipay';
export type * from './types';
