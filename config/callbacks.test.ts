import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callbacksConfigFromEnv } from './callbacks';
import { ConfigError } from './config-error';

const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

function problemsOf(env: Record<string, string>): string[] {
  try {
    callbacksConfigFromEnv(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('callbacksConfigFromEnv', () => {
  it('defaults: no platform routes, DingTalk in http mode, a 300 s window', () => {
    expect(callbacksConfigFromEnv({})).toEqual({
      maxSkewSeconds: 300,
      bodyLimitBytes: 256 * 1024,
      dingtalk: { mode: 'http' },
    });
  });

  it('reads every platform', () => {
    expect(
      callbacksConfigFromEnv({
        CALLBACK_MAX_SKEW_S: '0',
        DINGTALK_CALLBACK_TOKEN: 'tok-en',
        DINGTALK_CALLBACK_AES_KEY: KEY,
        WECOM_CALLBACK_TOKEN: 'wecomtoken',
        WECOM_CALLBACK_AES_KEY: KEY,
        WECHAT_MSG_TOKEN: 'wechattoken',
        WECHAT_MSG_AES_KEY: KEY,
      }),
    ).toEqual({
      maxSkewSeconds: 0,
      bodyLimitBytes: 256 * 1024,
      dingtalk: { mode: 'http', http: { token: 'tok-en', aesKey: KEY } },
      wecom: { token: 'wecomtoken', aesKey: KEY },
      wechat: { token: 'wechattoken', aesKey: KEY },
    });
    expect(callbacksConfigFromEnv({ DINGTALK_MODE: 'stream', WECHAT_MSG_TOKEN: 'abc' })).toMatchObject({
      dingtalk: { mode: 'stream' },
      wechat: { token: 'abc' },
    });
  });

  it('names every bad key in zh-CN without quoting secrets', () => {
    const problems = problemsOf({
      CALLBACK_MAX_SKEW_S: '-1',
      DINGTALK_MODE: 'websocket',
      DINGTALK_CALLBACK_TOKEN: 'secret-token-value',
      WECOM_CALLBACK_AES_KEY: 'short-secret-key',
      WECHAT_MSG_AES_KEY: KEY,
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'CALLBACK_MAX_SKEW_S',
      'DINGTALK_CALLBACK_AES_KEY',
      'DINGTALK_MODE',
      'WECHAT_MSG_TOKEN',
      'WECOM_CALLBACK_AES_KEY',
      'WECOM_CALLBACK_TOKEN',
    ]);
    expect(problems.join('\n')).not.toMatch(/secret-token-value|short-secret-key|abcdefghijklmnop/);
    expect(problems.every((p) => /[\u4e00-\u9fff]/.test(p))).toBe(true);
  });

  it('garbage environments give a config or a ConfigError, nothing else', () => {
    const keys = fc.constantFrom(
      'CALLBACK_MAX_SKEW_S',
      'DINGTALK_MODE',
      'DINGTALK_CALLBACK_TOKEN',
      'DINGTALK_CALLBACK_AES_KEY',
      'WECOM_CALLBACK_TOKEN',
      'WECOM_CALLBACK_AES_KEY',
      'WECHAT_MSG_TOKEN',
      'WECHAT_MSG_AES_KEY',
    );
    fc.assert(
      fc.property(
        fc.dictionary(keys, fc.oneof(fc.string(), fc.constant(KEY), fc.nat().map(String))),
        (env) => {
          problemsOf(env);
        },
      ),
      { numRuns: 500 },
    );
  });
});
