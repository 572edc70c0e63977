/**
 * Settings for one DingTalk internal app (企业内部应用).
 *
 * `appSecret` is a credential: keep it out of logs and error messages.
 */
export interface DingtalkConfig {
  /** AppKey (also the `clientId` of the new API generation). */
  appKey: string;
  /** AppSecret. */
  appSecret: string;
  /** Old-generation API origin: `https://oapi.dingtalk.com` in production, or a simulator URL. */
  apiBase: string;
  /** Per-request timeout in milliseconds. Default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Request timeout used when {@link DingtalkConfig.timeoutMs} is absent. */
export const DEFAULT_TIMEOUT_MS = 5000;
