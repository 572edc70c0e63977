import { chooseImages, noSubscribe, shared, storage } from './common';
import { corpIdOf, dingtalkAuthCode, inDingTalk } from './dingtalk-h5';
import type { Platform } from './types';

const OPENID_KEY = 'gcrm.sandboxOpenid';

function sandboxOpenid(): string {
  let id = storage.get<string>(OPENID_KEY);
  if (!id) {
    id = `h5-${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}`;
    storage.set(OPENID_KEY, id);
  }
  return id;
}

/**
 * Browser (counter terminals, DingTalk H5 micro-app in embedded mode): citizens and staff sign in through
 * the gateway's sandbox, which exists outside production only. The same browser keeps the same citizen.
 */
export const platform: Platform = {
  ...shared,
  name: 'h5',
  channel: 'h5',
  // Inside DingTalk (H5 micro-app) staff are signed in by DingTalk, elsewhere through the sandbox picker.
  staffSilentLogin: inDingTalk(),
  phoneProof: 'sms',
  async citizenProof() {
    return { kind: 'sandbox', openid: sandboxOpenid() };
  },
  async staffProof(staffId) {
    if (inDingTalk()) {
      const corpId = corpIdOf(window.location.href);
      if (!corpId) throw new Error('请从钉钉工作台打开本应用（缺少企业标识 corpId）');
      return { kind: 'dingtalk', authCode: await dingtalkAuthCode(corpId) };
    }
    return { kind: 'sandbox', staffId: staffId ?? '' };
  },
  requestSubscribe: noSubscribe,
  chooseFiles: ({ count }) => chooseImages(count),
  async isOnline() {
    return typeof navigator === 'undefined' || navigator.onLine !== false;
  },
  async openFile({ url, header }) {
    // Opened before the download so that the tab counts as the click's popup (not blocked).
    const tab = window.open('', '_blank');
    const res = await fetch(url, { headers: header });
    if (!res.ok) {
      tab?.close();
      throw new Error(res.status === 404 ? '材料不存在或无权查看' : '材料下载失败，请稍后重试');
    }
    const href = URL.createObjectURL(await res.blob());
    if (!tab) throw new Error('浏览器拦截了新窗口，请允许弹出窗口后重试');
    tab.location.href = href;
  },
};
export type * from './types';
