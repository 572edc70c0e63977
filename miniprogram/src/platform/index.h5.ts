import { chooseImages, noSubscribe, shared, storage } from './common';
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
  staffSilentLogin: false,
  phoneProof: 'sms',
  async citizenProof() {
    return { kind: 'sandbox', openid: sandboxOpenid() };
  },
  async staffProof(staffId) {
    return { kind: 'sandbox', staffId: staffId ?? '' };
  },
  requestSubscribe: noSubscribe,
  chooseFiles: ({ count }) => chooseImages(count),
  async isOnline() {
    return typeof navigator === 'undefined' || navigator.onLine !== false;
  },
};
export type * from './types';
