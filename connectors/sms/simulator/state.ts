import { randomInt, randomUUID } from 'node:crypto';
import { BadRequest } from '../../core/simulator/sandbox';
import { rpcSignature } from '../aliyun/signature';
import { DEFAULT_SIGN_NAMES, DEFAULT_SMS_TEMPLATES, renderTemplate, templateVariables } from './templates';

/** An answer: HTTP status and the Dysmsapi JSON body. */
export interface SmsAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Per (number, sign name) flow control; Aliyun's defaults for a number are 1/min, 5/h, 10/day. */
export interface SmsFlowLimits {
  perMinute: number;
  perHour: number;
  perDay: number;
}

export interface SmsStateOptions {
  accessKeyId: string;
  accessKeySecret: string;
  limits: SmsFlowLimits;
  /** Seconds until a message's receipt arrives. */
  deliverySeconds: number;
}

/** One recorded message to one number. */
export interface SmsRecord {
  bizId: string;
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, unknown>;
  outId: string;
  content: string;
  sentAt: number;
  /** Set when the number is undeliverable: the receipt reports this code. */
  failCode: string | undefined;
}

const SKEW_MS = 15 * 60_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const MAINLAND_MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;
const HOST_ID = 'dysmsapi.aliyuncs.com';
const MAX_RECORDS = 10_000;

/** Common-error HTTP statuses (RPC convention: 4xx for the caller, 200 for isv./isp. business codes). */
const STATUS_BY_CODE: Record<string, number> = {
  SignatureDoesNotMatch: 400,
  SignatureNonceUsed: 400,
  'InvalidTimeStamp.Expired': 400,
  'InvalidTimeStamp.Format': 400,
  MissingParameter: 400,
  'InvalidAccessKeyId.NotFound': 404,
  'InvalidAction.NotFound': 404,
  InvalidVersion: 400,
  ServiceUnavailable: 503,
  InternalError: 500,
};

/** Beijing `yyyy-MM-dd HH:mm:ss` (the format of SendDate/ReceiveDate in QuerySendDetails). */
function beijingTime(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Signature, templates, sign names, flow control, balance, records and receipts of the SMS simulator. */
export function createSmsState(opts: SmsStateOptions) {
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  const templates = new Map(DEFAULT_SMS_TEMPLATES.map((t) => [t.templateCode, t.content]));
  const signNames = new Set(DEFAULT_SIGN_NAMES);
  const nonces = new Map<string, number>();
  const hits = new Map<string, number[]>();
  const undeliverable = new Map<string, string>();
  const records: SmsRecord[] = [];
  let balance = Number.POSITIVE_INFINITY;

  function answer(
    code: string,
    status = Object.hasOwn(STATUS_BY_CODE, code) ? STATUS_BY_CODE[code]! : 200,
  ): SmsAnswer {
    // Messages never echo request values (the real SignatureDoesNotMatch one does; ours does not).
    return {
      status,
      body: { RequestId: randomUUID().toUpperCase(), Code: code, Message: code, HostId: HOST_ID },
    };
  }

  /** Common parameters and the signature: undefined when the request is authentic. */
  function authenticate(method: 'GET' | 'POST', params: Record<string, string>): SmsAnswer | undefined {
    for (const name of [
      'AccessKeyId',
      'Signature',
      'SignatureNonce',
      'Timestamp',
      'SignatureMethod',
      'SignatureVersion',
    ]) {
      if (!params[name]) return answer('MissingParameter');
    }
    if (params.AccessKeyId !== opts.accessKeyId) return answer('InvalidAccessKeyId.NotFound');
    const at = Date.parse(params.Timestamp!);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(params.Timestamp!) || Number.isNaN(at)) {
      return answer('InvalidTimeStamp.Format');
    }
    if (Math.abs(at - now()) > SKEW_MS) return answer('InvalidTimeStamp.Expired');
    if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') {
      return answer('SignatureDoesNotMatch');
    }
    let expected: string;
    try {
      expected = rpcSignature(method, params, opts.accessKeySecret);
    } catch {
      return answer('SignatureDoesNotMatch');
    }
    if (expected !== params.Signature) return answer('SignatureDoesNotMatch');
    for (const [nonce, seenAt] of nonces) if (seenAt < now() - SKEW_MS) nonces.delete(nonce);
    if (nonces.has(params.SignatureNonce!)) return answer('SignatureNonceUsed');
    nonces.set(params.SignatureNonce!, now());
    if (params.Version !== '2017-05-25') return answer('InvalidVersion');
    return undefined;
  }

  function countsWithin(key: string): { minute: number; hour: number; day: number } {
    const at = now();
    const recent = (hits.get(key) ?? []).filter((t) => t > at - 86_400_000);
    hits.set(key, recent);
    return {
      minute: recent.filter((t) => t > at - 60_000).length,
      hour: recent.filter((t) => t > at - 3_600_000).length,
      day: recent.length,
    };
  }

  function sendSms(params: Record<string, string>): SmsAnswer {
    const numbers = (params.PhoneNumbers ?? '').split(',');
    const phones: string[] = [];
    for (const raw of numbers) {
      const match = MAINLAND_MOBILE.exec(raw.trim());
      if (!match) return answer('isv.MOBILE_NUMBER_ILLEGAL');
      phones.push(match[1]!);
    }
    if (phones.length > 1000) return answer('isv.MOBILE_COUNT_OVER_LIMIT');
    const signName = params.SignName ?? '';
    if (!signNames.has(signName)) return answer('isv.SMS_SIGNATURE_ILLEGAL');
    const content = templates.get(params.TemplateCode ?? '');
    if (content === undefined) return answer('isv.SMS_TEMPLATE_ILLEGAL');
    let templateParams: Record<string, unknown> = {};
    if (params.TemplateParam !== undefined) {
      try {
        const parsed: unknown = JSON.parse(params.TemplateParam);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('not an object');
        templateParams = parsed as Record<string, unknown>;
      } catch {
        return answer('isv.INVALID_JSON_PARAM');
      }
    }
    const missing = templateVariables(content).some((name) => {
      const value = Object.hasOwn(templateParams, name) ? templateParams[name] : undefined;
      return (typeof value !== 'string' && typeof value !== 'number') || value === '';
    });
    if (missing) return answer('isv.TEMPLATE_MISSING_PARAMETERS');
    if ((params.OutId ?? '').length > 256) return answer('isv.INVALID_PARAMETERS');
    if (balance < phones.length) return answer('isv.AMOUNT_NOT_ENOUGH');
    const { limits } = opts;
    for (const phone of phones) {
      const counts = countsWithin(`${phone}\u0000${signName}`);
      if (counts.minute >= limits.perMinute || counts.hour >= limits.perHour || counts.day >= limits.perDay) {
        return answer('isv.BUSINESS_LIMIT_CONTROL');
      }
    }
    balance -= phones.length;
    const bizId = `${randomInt(100_000, 999_999)}${now()}^0`;
    const rendered = `【${signName}】${renderTemplate(content, templateParams)}`;
    for (const phone of phones) {
      hits.get(`${phone}\u0000${signName}`)?.push(now()) ?? hits.set(`${phone}\u0000${signName}`, [now()]);
      records.push({
        bizId,
        phone,
        signName,
        templateCode: params.TemplateCode!,
        params: templateParams,
        outId: params.OutId ?? '',
        content: rendered,
        sentAt: now(),
        failCode: undeliverable.get(phone),
      });
      if (records.length > MAX_RECORDS) records.shift();
    }
    const ok = answer('OK');
    return { status: 200, body: { ...ok.body, Message: 'OK', BizId: bizId } };
  }

  function receipt(record: SmsRecord) {
    const arrived = now() >= record.sentAt + opts.deliverySeconds * 1000;
    const base = {
      PhoneNum: record.phone,
      TemplateCode: record.templateCode,
      Content: record.content,
      SendDate: beijingTime(record.sentAt),
      OutId: record.outId,
    };
    if (!arrived) return { ...base, SendStatus: 1, ErrCode: '', ReceiveDate: '' };
    const receivedAt = beijingTime(record.sentAt + opts.deliverySeconds * 1000);
    return record.failCode === undefined
      ? { ...base, SendStatus: 3, ErrCode: 'DELIVERED', ReceiveDate: receivedAt }
      : { ...base, SendStatus: 2, ErrCode: record.failCode, ReceiveDate: receivedAt };
  }

  function querySendDetails(params: Record<string, string>): SmsAnswer {
    const phone = MAINLAND_MOBILE.exec(params.PhoneNumber ?? '')?.[1];
    if (!phone) return answer('isv.MOBILE_NUMBER_ILLEGAL');
    const sendDate = params.SendDate ?? '';
    const pageSize = Number(params.PageSize);
    const page = params.CurrentPage === undefined ? 1 : Number(params.CurrentPage);
    if (!/^\d{8}$/.test(sendDate) || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50) {
      return answer('isv.INVALID_PARAMETERS');
    }
    if (!Number.isInteger(page) || page < 1) return answer('isv.INVALID_PARAMETERS');
    const matching = records.filter(
      (record) =>
        record.phone === phone &&
        beijingTime(record.sentAt).slice(0, 10).replaceAll('-', '') === sendDate &&
        (params.BizId === undefined || record.bizId === params.BizId),
    );
    const ok = answer('OK');
    return {
      status: 200,
      body: {
        ...ok.body,
        TotalCount: matching.length,
        SmsSendDetailDTOs: {
          SmsSendDetailDTO: matching.slice((page - 1) * pageSize, page * pageSize).map(receipt),
        },
      },
    };
  }

  function text(value: unknown, what: string, max = 500): string {
    if (typeof value !== 'string' || value === '' || value.length > max)
      throw new BadRequest(`${what} must be a non-empty string`);
    return value;
  }

  return {
    now,
    advanceClock(seconds: number): void {
      clockOffsetMs += seconds * 1000;
    },
    answer,
    authenticate,
    sendSms,
    querySendDetails,
    addTemplate(input: Record<string, unknown> | null) {
      const templateCode = text(input?.templateCode, 'templateCode', 64);
      const content = text(input?.content, 'content');
      templates.set(templateCode, content);
      return { templateCode, variables: templateVariables(content) };
    },
    addSignName(input: Record<string, unknown> | null) {
      const signName = text(input?.signName, 'signName', 32);
      signNames.add(signName);
      return { signName };
    },
    markUndeliverable(input: Record<string, unknown> | null) {
      const phone = MAINLAND_MOBILE.exec(text(input?.phone, 'phone', 20))?.[1];
      if (!phone) throw new BadRequest('phone must be a mainland mobile number');
      const errCode = input?.errCode === undefined ? 'SIM:UNDELIVERABLE' : text(input.errCode, 'errCode', 32);
      undeliverable.set(phone, errCode);
      return { ok: true };
    },
    setBalance(input: Record<string, unknown> | null) {
      const messages = input?.messages;
      if (!Number.isSafeInteger(messages) || (messages as number) < 0)
        throw new BadRequest('messages must be an integer >= 0');
      balance = messages as number;
      return { ok: true };
    },
    /** Recorded messages (optionally to one number) with their current QuerySendDetails SendStatus. */
    records(phone?: string) {
      const wanted = phone === undefined ? undefined : (MAINLAND_MOBILE.exec(phone)?.[1] ?? phone);
      return records
        .filter((record) => wanted === undefined || record.phone === wanted)
        .map((record) => {
          const { failCode: _, ...visible } = record;
          return { ...visible, sendStatus: receipt(record).SendStatus };
        });
    },
  };
}

export type SmsState = ReturnType<typeof createSmsState>;
