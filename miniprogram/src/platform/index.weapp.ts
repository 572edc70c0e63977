import Taro from '@tarojs/taro';
import { shared } from './common';
import { openFileNative } from './open-file.native';
import type { Platform, SubscribeAnswer } from './types';

export const platform: Platform = {
  ...shared,
  openFile: openFileNative,
  name: 'weapp',
  channel: 'wechat',
  staffSilentLogin: false,
  phoneProof: 'wechat-button',
  async citizenProof() {
    const { code } = await Taro.login();
    return { kind: 'wechat', code };
  },
  async staffProof(staffId) {
    // Staff work in DingTalk / WeCom; inside WeChat only the sandbox (non-production) is possible.
    return { kind: 'sandbox', staffId: staffId ?? '' };
  },
  async requestSubscribe(templateIds) {
    const res = (await Taro.requestSubscribeMessage({ tmplIds: templateIds } as never)) as unknown as Record<
      string,
      string
    >;
    return Object.fromEntries(templateIds.map((id) => [id, (res[id] ?? 'reject') as SubscribeAnswer]));
  },
  async chooseFiles({ count }) {
    // chooseMessageFile reaches PDFs in chats as well as images; the gateway sniffs the real type.
    const res = await Taro.chooseMessageFile({ count, type: 'all' });
    return res.tempFiles.map((f) => ({ path: f.path, name: f.name, size: f.size }));
  },
};
export type * from './types';
