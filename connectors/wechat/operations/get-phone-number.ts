import { WechatApiError, WechatTransportError } from '../errors';
import { PhoneNumberError } from '../phone-number-error';
import type { WechatHttp } from '../transport/http';

/** The citizen's WeChat-bound phone number (platforms.md §1.4). Personal data: never log it. */
export interface WechatPhoneNumber {
  /** As WeChat shows it; foreign numbers carry their country code. */
  phoneNumber: string;
  /** Digits only, without the country code. */
  purePhoneNumber: string;
  /** `86` for mainland China. */
  countryCode: string;
  /** When WeChat issued the answer (epoch seconds). */
  issuedAt: number;
}

export const PHONE_NUMBER_PATH = '/wxa/business/getuserphonenumber';

/**
 * `POST /wxa/business/getuserphonenumber` with the `code` of `<button open-type="getPhoneNumber">`
 * (single-use, 5 minutes). `openid`, when given, is sent along so the platform can check the code
 * belongs to that user. The answer's `watermark.appid` must be `appId`, else it is refused as 40013.
 *
 * @throws PhoneNumberError (see its `kind`) or WechatTransportError (retryable).
 */
export async function getPhoneNumber(
  http: WechatHttp,
  accessToken: string,
  appId: string,
  input: { code: string; openid?: string },
): Promise<WechatPhoneNumber> {
  const body: Record<string, unknown> = { code: input.code };
  if (input.openid !== undefined) body.openid = input.openid;
  let answer: Record<string, unknown>;
  try {
    answer = await http.post(PHONE_NUMBER_PATH, body, { access_token: accessToken });
  } catch (error) {
    if (error instanceof WechatApiError) throw new PhoneNumberError(error.path, error.errcode, error.errmsg);
    throw error;
  }
  const info = answer.phone_info as Record<string, unknown> | undefined;
  const watermark = info?.watermark as Record<string, unknown> | undefined;
  if (
    typeof info !== 'object' ||
    info === null ||
    typeof info.phoneNumber !== 'string' ||
    typeof info.purePhoneNumber !== 'string' ||
    (typeof info.countryCode !== 'string' && typeof info.countryCode !== 'number') ||
    typeof watermark !== 'object' ||
    watermark === null
  ) {
    throw new WechatTransportError(PHONE_NUMBER_PATH, 'response without phone_info');
  }
  // An answer for another app (a proxy or configuration mix-up) must not bind anyone's number here.
  if (watermark.appid !== appId)
    throw new PhoneNumberError(PHONE_NUMBER_PATH, 40013, 'watermark appid mismatch');
  return {
    phoneNumber: info.phoneNumber,
    purePhoneNumber: info.purePhoneNumber,
    countryCode: String(info.countryCode),
    issuedAt: typeof watermark.timestamp === 'number' ? watermark.timestamp : 0,
  };
}
