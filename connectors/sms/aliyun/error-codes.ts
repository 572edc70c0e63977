import type { SmsFailureKind } from '../errors';

/**
 * Dysmsapi codes and what the dispatcher does with them. Sources: help.aliyun.com/document_detail/101346
 * (API error codes), /101347, developer.aliyun.com/ask/278548, and the RPC common errors
 * (SignatureDoesNotMatch, SignatureNonceUsed, InvalidAccessKeyId.NotFound, InvalidTimeStamp.Expired).
 */
const KIND_BY_CODE: ReadonlyMap<string, SmsFailureKind> = new Map([
  ['isv.BUSINESS_LIMIT_CONTROL', 'rateLimited'],
  ['isv.DAY_LIMIT_CONTROL', 'rateLimited'],
  ['isv.MONTH_LIMIT_CONTROL', 'rateLimited'],
  ['Throttling', 'rateLimited'],
  ['Throttling.User', 'rateLimited'],
  ['Throttling.Api', 'rateLimited'],
  ['isp.SYSTEM_ERROR', 'retryable'],
  ['isp.GATEWAY_ERROR', 'retryable'],
  ['ServiceUnavailable', 'retryable'],
  ['InternalError', 'retryable'],
  // A nonce collision or a skewed timestamp: the next request has a fresh nonce and timestamp.
  ['SignatureNonceUsed', 'retryable'],
  ['InvalidTimeStamp.Expired', 'retryable'],
  ['isv.MOBILE_NUMBER_ILLEGAL', 'permanent'],
  ['isv.MOBILE_COUNT_OVER_LIMIT', 'permanent'],
  ['isv.TEMPLATE_MISSING_PARAMETERS', 'permanent'],
  ['isv.TEMPLATE_PARAMS_ILLEGAL', 'permanent'],
  ['isv.INVALID_JSON_PARAM', 'permanent'],
  ['isv.INVALID_PARAMETERS', 'permanent'],
  ['isv.PARAM_LENGTH_LIMIT', 'permanent'],
  ['isv.SMS_TEMPLATE_ILLEGAL', 'permanent'],
  ['isv.SMS_SIGNATURE_ILLEGAL', 'permanent'],
  ['isv.SMS_SIGN_ILLEGAL', 'permanent'],
  ['isv.SMS_SIGNATURE_SCENE_ILLEGAL', 'permanent'],
  ['isv.SMS_CONTENT_ILLEGAL', 'permanent'],
  ['isv.BLACK_KEY_CONTROL_LIMIT', 'permanent'],
  ['isv.AMOUNT_NOT_ENOUGH', 'permanent'],
  ['isv.OUT_OF_SERVICE', 'permanent'],
  ['isv.PRODUCT_UN_SUBSCRIPT', 'permanent'],
  ['isv.PRODUCT_UNSUBSCRIBE', 'permanent'],
  ['isv.ACCOUNT_NOT_EXISTS', 'permanent'],
  ['isv.ACCOUNT_ABNORMAL', 'permanent'],
  ['isv.DENY_IP_RANGE', 'permanent'],
  ['isp.RAM_PERMISSION_DENY', 'permanent'],
  ['SignatureDoesNotMatch', 'permanent'],
  ['InvalidAccessKeyId.NotFound', 'permanent'],
  ['InvalidAccessKeyId.Inactive', 'permanent'],
  ['MissingParameter', 'permanent'],
]);

/** Unknown `isp.*` (platform side) codes are retryable; any other unknown code is permanent. */
export function smsFailureKind(code: string): SmsFailureKind {
  return KIND_BY_CODE.get(code) ?? (code.startsWith('isp.') ? 'retryable' : 'permanent');
}
