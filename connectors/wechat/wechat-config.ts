/**
 * Settings for one WeChat mini-program app.
 *
 * `appSecret` is a credential: keep it out of logs and error messages.
 */
export interface WechatConfig {
  /** Mini-program AppID (`wx…`). */
  appId: string;
  /** Mini-program AppSecret. */
  appSecret: string;
  /** API origin, `https://api.weixin.qq.com` in production or a simulator URL. */
  apiBase: string;
  /** Per-request timeout in milliseconds. Default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Request timeout used when {@link WechatConfig.timeoutMs} is absent. */
export const DEFAULT_TIMEOUT_MS = 5000;
