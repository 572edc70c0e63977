import type { Api } from './api';
import type { Me } from './types';

export const getMe = (api: Api) => api.http.get<Me>('/me');

export interface SmsCodeSent {
  expiresIn: number;
  resendAfter: number;
  /** Only from a gateway in embedded (demo) mode, whose SMS goes to a simulator nobody can read. */
  sandboxCode?: string;
}

export const sendPhoneSmsCode = (api: Api, phone: string) =>
  api.http.post<SmsCodeSent>('/me/phone/sms-code', { phone }, { silent: true });

export const bindPhoneSms = (api: Api, phone: string, smsCode: string) =>
  api.http.post<{ phoneMasked: string }>('/me/phone', { phone, smsCode }, { silent: true });

/** WeChat: the one-time code from `<Button openType="getPhoneNumber">`, exchanged by the gateway. */
export const bindPhoneWechat = (api: Api, code: string) =>
  api.http.post<{ phoneMasked: string }>('/me/phone/wechat', { code }, { silent: true });
