import { SmsError } from '../errors';
import { DEFAULT_SMS_TIMEOUT_MS, type SmsConfig } from '../sms-config';
import type { SmsDeliveryState, SmsProvider, SmsStatus } from '../sms-provider';
import { createAliyunRpc } from './rpc-transport';

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `yyyyMMdd` of `date` in Beijing time (QuerySendDetails' SendDate). */
export function beijingSendDate(date: Date): string {
  return new Date(date.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

// QuerySendDetails SendStatus: 1 waiting for the receipt, 2 failed, 3 delivered.
const STATE_BY_SEND_STATUS: ReadonlyMap<string, SmsDeliveryState> = new Map([
  ['1', 'pending'],
  ['2', 'failed'],
  ['3', 'delivered'],
]);

function detailRecords(body: Record<string, unknown>): Record<string, unknown>[] {
  const holder = body.SmsSendDetailDTOs;
  const list =
    typeof holder === 'object' && holder !== null
      ? (holder as Record<string, unknown>).SmsSendDetailDTO
      : undefined;
  return Array.isArray(list)
    ? list.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    : [];
}

/** {@link SmsProvider} over Aliyun Dysmsapi 2017-05-25 `SendSms` and `QuerySendDetails`. */
export function createAliyunSmsProvider(config: SmsConfig, deps: { now?: () => Date } = {}): SmsProvider {
  const rpc = createAliyunRpc({
    apiBase: config.apiBase,
    accessKeyId: config.accessKeyId,
    accessKeySecret: config.accessKeySecret,
    timeoutMs: config.timeoutMs ?? DEFAULT_SMS_TIMEOUT_MS,
    ...(deps.now ? { now: deps.now } : {}),
  });

  return {
    async send(message) {
      const body = await rpc('SendSms', {
        PhoneNumbers: message.phone,
        SignName: message.signName ?? config.signName,
        TemplateCode: message.templateCode,
        TemplateParam: JSON.stringify(message.params),
        OutId: message.outId,
      });
      if (typeof body.BizId !== 'string' || body.BizId === '') {
        throw new SmsError('SendSms', 'retryable', 'AnswerWithoutBizId');
      }
      return { providerId: body.BizId, accepted: true };
    },

    async status(query): Promise<SmsStatus> {
      const params: Record<string, string> = {
        PhoneNumber: query.phone,
        SendDate: beijingSendDate(query.sentAt),
        PageSize: '50',
        CurrentPage: '1',
      };
      if (query.providerId) params.BizId = query.providerId;
      const body = await rpc('QuerySendDetails', params);
      const record = detailRecords(body).find(
        (item) => query.providerId !== undefined || (query.outId !== undefined && item.OutId === query.outId),
      );
      if (!record) return { state: 'unknown' };
      const status: SmsStatus = { state: STATE_BY_SEND_STATUS.get(String(record.SendStatus)) ?? 'unknown' };
      if (typeof record.ErrCode === 'string' && record.ErrCode !== '') status.code = record.ErrCode;
      if (typeof record.ReceiveDate === 'string' && record.ReceiveDate !== '')
        status.receivedAt = record.ReceiveDate;
      return status;
    },
  };
}
