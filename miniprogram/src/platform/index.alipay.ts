import { chooseImages, noSubscribe, shared } from './common';
import { openFileNative } from './open-file.native';
import type { Platform } from './types';

declare const dd: {
  getAuthCode(o: { corpId?: string; success(r: { authCode: string }): void; fail(e: unknown): void }): void;
};
declare const my: {
  getAuthCode(o: { scopes: string; success(r: { authCode: string }): void; fail(e: unknown): void }): void;
};

/** The DingTalk corp id is given by the launch query; the gateway knows which org it belongs to. */
function getAuthCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    if (typeof dd !== 'undefined') dd.getAuthCode({ success: (r) => resolve(r.authCode), fail: reject });
    else my.getAuthCode({ scopes: 'auth_base', success: (r) => resolve(r.authCode), fail: reject });
  });
}

/** DingTalk mini-app (alipay-based runtime): staff 免登; citizens are not served here. */
export const platform: Platform = {
  ...shared,
  openFile: openFileNative,
  name: 'dd',
  channel: 'dingtalk',
  staffSilentLogin: true,
  phoneProof: 'sms',
  async citizenProof() {
    throw new Error('钉钉内请使用工作人员身份登录');
  },
  async staffProof() {
    return { kind: 'dingtalk', authCode: await getAuthCode() };
  },
  requestSubscribe: noSubscribe,
  chooseFiles: ({ count }) => chooseImages(count),
};
export type * from './types';
