import { randomUUID } from 'node:crypto';
import axios from 'axios';
import { SmsError } from '../errors';
import { smsFailureKind } from './error-codes';
import { percentEncode, rpcSignature } from './signature';

export const DYSMSAPI_VERSION = '2017-05-25';

/** One Dysmsapi RPC call: signed form-encoded POST to `/`; resolves to a body with `Code: "OK"`. */
export type AliyunRpc = (action: string, params: Record<string, string>) => Promise<Record<string, unknown>>;

export function createAliyunRpc(options: {
  apiBase: string;
  accessKeyId: string;
  accessKeySecret: string;
  timeoutMs: number;
  now?: () => Date;
}): AliyunRpc {
  const now = options.now ?? (() => new Date());
  const instance = axios.create({
    baseURL: options.apiBase,
    timeout: options.timeoutMs,
    validateStatus: () => true,
    responseType: 'json',
    // The body is already encoded; keep axios from touching it.
    transformRequest: [(data: unknown) => data],
  });

  return async (action, params) => {
    const all: Record<string, string> = {
      ...params,
      Action: action,
      Version: DYSMSAPI_VERSION,
      AccessKeyId: options.accessKeyId,
      Format: 'JSON',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
    };
    let body: string;
    try {
      all.Signature = rpcSignature('POST', all, options.accessKeySecret);
      body = Object.entries(all)
        .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
        .join('&');
    } catch {
      throw new SmsError(action, 'permanent', 'UnencodableParameter');
    }
    let status: number;
    let data: unknown;
    try {
      const response = await instance.post('/', body, {
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      });
      status = response.status;
      data = response.data;
    } catch (error) {
      const code = axios.isAxiosError(error) && error.code === 'ECONNABORTED' ? 'Timeout' : 'NetworkError';
      throw new SmsError(action, 'retryable', code);
    }
    const answer =
      typeof data === 'object' && data !== null && !Array.isArray(data)
        ? (data as Record<string, unknown>)
        : null;
    const code = typeof answer?.Code === 'string' ? answer.Code : undefined;
    const requestId = typeof answer?.RequestId === 'string' ? answer.RequestId : undefined;
    if (status === 200 && code === 'OK') return answer!;
    if (code !== undefined && code !== 'OK') {
      throw new SmsError(action, smsFailureKind(code), code, { status, requestId });
    }
    throw new SmsError(
      action,
      status >= 500 || status === 200 ? 'retryable' : 'permanent',
      `HTTP ${status}`,
      {
        status,
      },
    );
  };
}
