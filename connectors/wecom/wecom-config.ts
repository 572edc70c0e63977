/**
 * Settings for one WeCom (企业微信) app. Each app has its own secret and therefore its own token.
 *
 * `corpSecret` is a credential: keep it out of logs and error messages.
 */
export interface WecomConfig {
  /** 企业ID. */
  corpId: string;
  /** The app's secret (or the 通讯录同步 secret). */
  corpSecret: string;
  /** API origin: `https://qyapi.weixin.qq.com` in production, or a simulator URL. */
  apiBase: string;
  /** The app's `agentid`; required by `sendMessage` (platforms.md §3.3). */
  agentId?: number;
  /** Per-request timeout in milliseconds. Default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Request timeout used when {@link WecomConfig.timeoutMs} is absent. */
export const DEFAULT_TIMEOUT_MS = 5000;
