/**
 * SMS connector: the {@link SmsProvider} port, its Aliyun Dysmsapi 2017-05-25 implementation
 * ({@link createAliyunSmsProvider}: `SendSms`, `QuerySendDetails`, RPC signature v1) and an HTTP
 * simulator of that API ({@link createSmsSimulator}). Configuration comes from `SMS_ACCESS_KEY_ID`,
 * `SMS_ACCESS_KEY_SECRET`, `SMS_SIGN_NAME` and `SMS_API_BASE` ({@link SmsConfig}).
 *
 * Every failure is an {@link SmsError} whose `kind` (`permanent` / `rateLimited` / `retryable`) tells
 * the dispatcher what to do. Phone numbers never appear in errors or logs.
 *
 * @packageDocumentation
 */
export { beijingSendDate, createAliyunSmsProvider } from './aliyun/aliyun-sms-provider';
export { smsFailureKind } from './aliyun/error-codes';
export { percentEncode, rpcSignature, stringToSign } from './aliyun/signature';
export { SmsError, type SmsFailureKind } from './errors';
export type { SmsSimulatorFault } from './simulator/server';
export { createSmsSimulator, type SmsSimulator, type SmsSimulatorOptions } from './simulator/simulator';
export type { SmsFlowLimits } from './simulator/state';
export { DEFAULT_SIGN_NAMES, DEFAULT_SMS_TEMPLATES, type SmsTemplate } from './simulator/templates';
export { DEFAULT_SMS_API_BASE, DEFAULT_SMS_TIMEOUT_MS, type SmsConfig, smsConfigFromEnv } from './sms-config';
export type {
  SmsAccepted,
  SmsDeliveryState,
  SmsMessage,
  SmsProvider,
  SmsStatus,
  SmsStatusQuery,
} from './sms-provider';
