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
  /**
   * New-generation ("v1.0") API origin: `https://api.dingtalk.com` in production (the default), or a
   * simulator URL. Named apart from `apiBase`, which has always meant the oapi origin.
   */
  v1ApiBase?: string;
  /** AgentId of the app (工作通知 and the old approval API need it). */
  agentId?: number;
  /** Per-request timeout in milliseconds. Default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Request timeout used when {@link DingtalkConfig.timeoutMs} is absent. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** Production origin of the new API generation, used when {@link DingtalkConfig.v1ApiBase} is absent. */
export const DEFAULT_V1_API_BASE = 'https://api.dingtalk.com';
