import { AppError, errors } from '../platform/errors';

const invalid = (status: number, code: string, title: string, detail: string, pointer: string) =>
  new AppError({ status, code, title, detail, errors: [{ pointer, code, message: detail }] });

/** The answers of phone binding: stable codes, zh-CN texts, JSON pointers into the request body. */
export const phoneErrors = {
  /** 422 /phone: not an 11-digit mainland mobile number (or the SMS provider refused it as such). */
  phoneInvalid: () => invalid(422, 'phone_invalid', '手机号码不正确', '请输入正确的手机号码', '/phone'),
  /** 422 /code: the `getPhoneNumber` code is unknown, used or older than 5 minutes. */
  wechatCodeInvalid: () =>
    invalid(422, 'phone_code_invalid', '授权已失效', '授权已失效，请重新获取手机号', '/code'),
  /** 422 /code: WeChat gave a number outside the mainland; SMS verification cannot reach it either. */
  phoneNotSupported: () =>
    invalid(422, 'phone_not_supported', '暂不支持该手机号', '暂仅支持绑定中国大陆手机号', '/code'),
  /** 422 /smsCode: the code does not match (one of the 5 attempts is used up). */
  smsCodeInvalid: () => invalid(422, 'sms_code_invalid', '验证码不正确', '验证码不正确', '/smsCode'),
  /** 422 /smsCode: no pending code, expired, or void after 5 wrong answers. */
  smsCodeExpired: () =>
    invalid(422, 'sms_code_expired', '验证码已失效', '验证码已失效，请重新获取', '/smsCode'),
  /** 429 with Retry-After: the per-citizen or per-number sending limits. */
  smsTooFrequent: (retryAfterSeconds: number) =>
    new AppError({
      status: 429,
      code: 'sms_code_too_frequent',
      title: '发送过于频繁',
      detail: `发送过于频繁，请 ${retryAfterSeconds} 秒后再试`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  smsNotConfigured: () =>
    new AppError({
      status: 503,
      code: 'sms_not_configured',
      title: '短信验证未开通',
      detail: '本系统未开通短信验证，请使用微信授权绑定手机号',
      level: 'warn',
    }),
  smsUnavailable: () => errors.unavailable('sms_unavailable', '短信服务暂时不可用，请稍后重试', 10),
  smsError: () =>
    new AppError({
      status: 502,
      code: 'sms_error',
      title: '短信服务异常',
      detail: '验证码短信未能发送，请稍后重试或使用微信授权绑定手机号',
      level: 'warn',
    }),
  wechatBusy: (retryAfterSeconds: number) =>
    errors.unavailable('wechat_busy', '微信服务繁忙，请稍后重试', retryAfterSeconds),
  wechatUnreachable: () => errors.unavailable('wechat_unreachable', '暂时无法连接微信服务，请稍后重试'),
  wechatError: () =>
    new AppError({
      status: 502,
      code: 'wechat_error',
      title: '微信服务异常',
      detail: '微信返回错误，暂时无法获取手机号，请稍后重试或使用短信验证',
      level: 'warn',
    }),
  /** 422: the service (`requiresPhone` in the catalog) needs a bound number before submission. */
  phoneRequired: () =>
    new AppError({
      status: 422,
      code: 'phone_required',
      title: '请先绑定手机号',
      detail: '办理该事项需要先绑定手机号，请在“我的”中绑定后再提交',
    }),
  citizenNotFound: () => errors.notFound('citizen_not_found', '未找到该账号'),
};
