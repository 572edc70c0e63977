/**
 * Settings of the Aliyun SMS provider. The gateway reads them from the environment:
 *
 * | variable | field | notes |
 * |---|---|---|
 * | `SMS_ACCESS_KEY_ID` | `accessKeyId` | RAM user AccessKey id with `AliyunDysmsFullAccess` |
 * | `SMS_ACCESS_KEY_SECRET` | `accessKeySecret` | secret: never logged, never in errors |
 * | `SMS_SIGN_NAME` | `signName` | approved sign name (签名), e.g. `某市政务服务` |
 * | `SMS_API_BASE` | `apiBase` | default `https://dysmsapi.aliyuncs.com`; a simulator URL in tests |
 *
 * SMS is enabled only when the id, secret and sign name are all present (see {@link smsConfigFromEnv}).
 */
export interface SmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  apiBase: string;
  /** Per-request timeout. Default {@link DEFAULT_SMS_TIMEOUT_MS}. */
  timeoutMs?: number;
}

export const DEFAULT_SMS_API_BASE = 'https://dysmsapi.aliyuncs.com';

/** Aliyun recommends at least 1 s for mainland SMS; keep some margin. */
export const DEFAULT_SMS_TIMEOUT_MS = 5000;

/** The config from `SMS_*` variables, or null when SMS is not configured. */
export function smsConfigFromEnv(env: Record<string, string | undefined>): SmsConfig | null {
  const accessKeyId = env.SMS_ACCESS_KEY_ID;
  const accessKeySecret = env.SMS_ACCESS_KEY_SECRET;
  const signName = env.SMS_SIGN_NAME;
  if (!accessKeyId || !accessKeySecret || !signName) return null;
  return { accessKeyId, accessKeySecret, signName, apiBase: env.SMS_API_BASE || DEFAULT_SMS_API_BASE };
}
