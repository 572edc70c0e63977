import Taro from '@tarojs/taro';
import { platform as weapp } from './index.weapp';
import type { Platform } from './types';

/** WeCom: WeChat's runtime plus `wx.qy.login` for staff 免登. */
export const platform: Platform = {
  ...weapp,
  name: 'qywx',
  channel: 'wecom',
  staffSilentLogin: true,
  phoneProof: 'sms',
  async staffProof() {
    const qy = (Taro as unknown as { qy?: { login(): Promise<{ code: string }> } }).qy;
    const { code } = qy ? await qy.login() : await Taro.login();
    return { kind: 'wecom', code };
  },
};
export type * from './types';
