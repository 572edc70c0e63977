import { SmsError } from '@gcrm/connectors/sms';
import { SubscribeMessageError, WechatTransportError } from '@gcrm/connectors/wechat';
import { describe, expect, it } from 'vitest';
import { classifySmsError, classifyWechatSubscribeError } from './citizen-route';

const send = (errcode: number) => new SubscribeMessageError('/cgi-bin/message/subscribe/send', errcode, 'x');

describe('failure kinds of citizen notifications', () => {
  it('WeChat: 43101 refused, bad requests permanent, limits wait, the rest retries', () => {
    const noon = Date.UTC(2026, 10, 27, 4); // 12:00 in Beijing
    expect(classifyWechatSubscribeError(send(43101))).toEqual({ kind: 'refused' });
    for (const code of [40003, 47003, 40037, 41030, 48001]) {
      expect(classifyWechatSubscribeError(send(code)).kind).toBe('permanent');
    }
    expect(classifyWechatSubscribeError(send(45011))).toEqual({ kind: 'rateLimited', retryAfterMs: 60_000 });
    expect(classifyWechatSubscribeError(send(45009), () => noon)).toEqual({
      kind: 'rateLimited',
      retryAfterMs: 12 * 3_600_000,
    });
    expect(classifyWechatSubscribeError(send(-1)).kind).toBe('retryable');
    expect(classifyWechatSubscribeError(send(42001)).kind).toBe('retryable');
    expect(classifyWechatSubscribeError(new WechatTransportError('/x', 'timeout')).kind).toBe('retryable');
    expect(classifyWechatSubscribeError(new Error('database unavailable')).kind).toBe('retryable');
  });

  it('SMS: the connector’s kinds; flow control waits a minute; other errors retry', () => {
    expect(classifySmsError(new SmsError('SendSms', 'permanent', 'isv.MOBILE_NUMBER_ILLEGAL'))).toEqual({
      kind: 'permanent',
    });
    expect(classifySmsError(new SmsError('SendSms', 'rateLimited', 'isv.BUSINESS_LIMIT_CONTROL'))).toEqual({
      kind: 'rateLimited',
      retryAfterMs: 60_000,
    });
    expect(classifySmsError(new Error('database unavailable')).kind).toBe('retryable');
  });
});
