/**
 * Inbound callback settings (issue 6). The names of the environment variables are fixed by the issue;
 * the lead merges {@link CallbacksConfig} into the gateway's `AppConfig`.
 *
 * A platform whose token (and key) is unset has no callback route: its path answers 404.
 */
import { ConfigError } from './config-error';

/** DingTalk HTTP push settings (platforms.md §2.8); receiveId is the AppKey, passed at wiring time. */
export interface DingtalkCallbackSettings {
  token: string;
  /** EncodingAESKey, 43 characters. */
  aesKey: string;
}

export interface CallbacksConfig {
  /**
   * CALLBACK_MAX_SKEW_S: accepted difference between a callback's timestamp and our clock, and how long
   * a nonce is remembered (at least 600 s). 0 disables the timestamp window, never the signature check.
   */
  maxSkewSeconds: number;
  /** Largest callback body read; larger ones are answered 413 before they are read in full. */
  bodyLimitBytes: number;
  dingtalk: {
    /** DINGTALK_MODE: `http` serves POST /callbacks/dingtalk, `stream` runs the Stream consumer instead. */
    mode: 'http' | 'stream';
    /** DINGTALK_CALLBACK_TOKEN + DINGTALK_CALLBACK_AES_KEY; absent: no HTTP route. */
    http?: DingtalkCallbackSettings;
  };
  /** WECOM_CALLBACK_TOKEN + WECOM_CALLBACK_AES_KEY; receiveId is the CorpId. */
  wecom?: { token: string; aesKey: string };
  /**
   * WECHAT_MSG_TOKEN (+ WECHAT_MSG_AES_KEY for safe/compatible mode, where plaintext pushes are refused);
   * receiveId is the mini-program AppID.
   */
  wechat?: { token: string; aesKey?: string };
}

export const DEFAULT_MAX_SKEW_SECONDS = 300;
export const DEFAULT_CALLBACK_BODY_LIMIT = 256 * 1024;

const AES_KEY = /^[A-Za-z0-9]{43}$/;
const TENCENT_TOKEN = /^[A-Za-z0-9]{1,32}$/;
const WECHAT_TOKEN = /^[A-Za-z0-9]{3,32}$/;

type Env = Record<string, string | undefined>;

function read(env: Env, key: string): string | undefined {
  const value = env[key];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads the callback settings; throws {@link ConfigError} naming every bad key (zh-CN, English in
 * brackets). Secrets are never quoted in a message.
 */
export function callbacksConfigFromEnv(env: Env = process.env): CallbacksConfig {
  const problems: string[] = [];
  const pair = (tokenKey: string, keyKey: string, token: RegExp, tokenRule: string) => {
    const t = read(env, tokenKey);
    const k = read(env, keyKey);
    if (t === undefined && k === undefined) return undefined;
    if (t === undefined) problems.push(`${tokenKey}: 设置 ${keyKey} 时必填 (required with ${keyKey})`);
    if (k === undefined) problems.push(`${keyKey}: 设置 ${tokenKey} 时必填 (required with ${tokenKey})`);
    if (t !== undefined && !token.test(t)) problems.push(`${tokenKey}: ${tokenRule}`);
    if (k !== undefined && !AES_KEY.test(k))
      problems.push(`${keyKey}: 应为 43 位字母或数字 (must be 43 letters or digits)`);
    return t !== undefined && k !== undefined ? { token: t, aesKey: k } : undefined;
  };

  const rawSkew = read(env, 'CALLBACK_MAX_SKEW_S');
  let maxSkewSeconds = DEFAULT_MAX_SKEW_SECONDS;
  if (rawSkew !== undefined) {
    const n = Number(rawSkew);
    if (!/^\d{1,6}$/.test(rawSkew) || n > 86_400) {
      problems.push('CALLBACK_MAX_SKEW_S: 应为 0 到 86400 之间的整数秒 (integer seconds 0..86400)');
    } else {
      maxSkewSeconds = n;
    }
  }

  const rawMode = read(env, 'DINGTALK_MODE') ?? 'http';
  if (rawMode !== 'http' && rawMode !== 'stream')
    problems.push('DINGTALK_MODE: 取值应为 http | stream (must be http or stream)');
  const mode = rawMode === 'stream' ? 'stream' : 'http';
  const dingtalkHttp = pair(
    'DINGTALK_CALLBACK_TOKEN',
    'DINGTALK_CALLBACK_AES_KEY',
    /^[\x21-\x7e]{1,128}$/,
    '应为 1 到 128 个可见 ASCII 字符 (1-128 printable ASCII characters)',
  );
  const wecom = pair(
    'WECOM_CALLBACK_TOKEN',
    'WECOM_CALLBACK_AES_KEY',
    TENCENT_TOKEN,
    '应为 1 到 32 位字母或数字 (1-32 letters or digits)',
  );

  const wechatToken = read(env, 'WECHAT_MSG_TOKEN');
  const wechatKey = read(env, 'WECHAT_MSG_AES_KEY');
  if (wechatToken !== undefined && !WECHAT_TOKEN.test(wechatToken))
    problems.push('WECHAT_MSG_TOKEN: 应为 3 到 32 位字母或数字 (3-32 letters or digits)');
  if (wechatKey !== undefined && !AES_KEY.test(wechatKey))
    problems.push('WECHAT_MSG_AES_KEY: 应为 43 位字母或数字 (must be 43 letters or digits)');
  if (wechatKey !== undefined && wechatToken === undefined)
    problems.push('WECHAT_MSG_TOKEN: 设置 WECHAT_MSG_AES_KEY 时必填 (required with WECHAT_MSG_AES_KEY)');

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    maxSkewSeconds,
    bodyLimitBytes: DEFAULT_CALLBACK_BODY_LIMIT,
    dingtalk: mode === 'http' && dingtalkHttp ? { mode, http: dingtalkHttp } : { mode },
    ...(wecom ? { wecom } : {}),
    ...(wechatToken
      ? { wechat: wechatKey ? { token: wechatToken, aesKey: wechatKey } : { token: wechatToken } }
      : {}),
  };
}
