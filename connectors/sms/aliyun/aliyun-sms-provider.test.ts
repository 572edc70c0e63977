import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmsError } from '../errors';
import { createSmsSimulator, type SmsSimulator } from '../simulator/simulator';
import type { SmsConfig } from '../sms-config';
import type { SmsMessage, SmsProvider } from '../sms-provider';
import { createAliyunSmsProvider } from './aliyun-sms-provider';

const KEYS = { accessKeyId: 'LTAI-sim-id', accessKeySecret: 'sim-secret-0123456789' };
const PHONE = '13800138000';
const message: SmsMessage = {
  phone: PHONE,
  templateCode: 'SMS_CASE_ACCEPTED',
  params: { item: '生育津贴申领', caseNo: 'GC-2026-000123' },
  outId: 'outbox-1',
};

let sim: SmsSimulator;
let config: SmsConfig;
let sms: SmsProvider;

beforeEach(async () => {
  sim = createSmsSimulator(KEYS);
  const apiBase = await sim.listen(0);
  config = { ...KEYS, signName: '政务服务中心', apiBase, timeoutMs: 500 };
  sms = createAliyunSmsProvider(config, { now: () => new Date(sim.now()) });
});
afterEach(() => sim.close());

async function failure(promise: Promise<unknown>): Promise<SmsError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SmsError);
  expect((error as Error).message).not.toContain(PHONE);
  expect((error as Error).message).not.toContain(KEYS.accessKeySecret);
  return error as SmsError;
}

describe('Aliyun SMS provider ↔ simulator', () => {
  it('sends, records the rendered message, and the status moves pending → delivered after a tick', async () => {
    const sent = await sms.send(message);
    expect(sent).toEqual({ providerId: expect.stringMatching(/^\d+\^0$/), accepted: true });
    expect(sim.messages(PHONE)).toEqual([
      expect.objectContaining({
        bizId: sent.providerId,
        content: '【政务服务中心】您申请的生育津贴申领已受理，办件编号GC-2026-000123。',
        outId: 'outbox-1',
      }),
    ]);
    const sentAt = new Date(sim.now());
    expect(await sms.status({ phone: PHONE, providerId: sent.providerId, sentAt })).toEqual({
      state: 'pending',
    });
    sim.advanceClock(3);
    expect(await sms.status({ phone: PHONE, outId: 'outbox-1', sentAt })).toEqual({
      state: 'delivered',
      code: 'DELIVERED',
      receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
    });
    expect(await sms.status({ phone: PHONE, outId: 'other', sentAt })).toEqual({ state: 'unknown' });
  });

  it('reports failed receipts for undeliverable numbers', async () => {
    await fetch(new URL('/__sandbox/undeliverable', sim.url), {
      method: 'POST',
      body: JSON.stringify({ phone: '13900000000', errCode: 'MN:0001' }),
    });
    const sent = await sms.send({ ...message, phone: '13900000000' });
    sim.advanceClock(3);
    const status = await sms.status({
      phone: '13900000000',
      providerId: sent.providerId,
      sentAt: new Date(sim.now()),
    });
    expect(status).toMatchObject({ state: 'failed', code: 'MN:0001' });
  });

  it('permanent: bad number, unknown template or sign, missing params, no balance, bad credentials', async () => {
    expect(await failure(sms.send({ ...message, phone: '12345' }))).toMatchObject({
      kind: 'permanent',
      code: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
    expect((await failure(sms.send({ ...message, templateCode: 'SMS_NOPE' }))).code).toBe(
      'isv.SMS_TEMPLATE_ILLEGAL',
    );
    expect((await failure(sms.send({ ...message, signName: '未报备' }))).code).toBe(
      'isv.SMS_SIGNATURE_ILLEGAL',
    );
    expect((await failure(sms.send({ ...message, params: { item: '生育津贴申领' } }))).code).toBe(
      'isv.TEMPLATE_MISSING_PARAMETERS',
    );
    await fetch(new URL('/__sandbox/balance', sim.url), {
      method: 'POST',
      body: JSON.stringify({ messages: 0 }),
    });
    expect((await failure(sms.send(message))).code).toBe('isv.AMOUNT_NOT_ENOUGH');
    const wrongSecret = createAliyunSmsProvider(
      { ...config, accessKeySecret: 'nope' },
      { now: () => new Date(sim.now()) },
    );
    expect(await failure(wrongSecret.send(message))).toMatchObject({
      kind: 'permanent',
      code: 'SignatureDoesNotMatch',
      status: 400,
    });
    const wrongId = createAliyunSmsProvider(
      { ...config, accessKeyId: 'LTAI-other' },
      { now: () => new Date(sim.now()) },
    );
    expect(await failure(wrongId.send(message))).toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
      status: 404,
    });
  });

  it('rateLimited: per-number flow control 1/min, 5/h (other numbers unaffected)', async () => {
    await sms.send(message);
    expect(await failure(sms.send(message))).toMatchObject({
      kind: 'rateLimited',
      code: 'isv.BUSINESS_LIMIT_CONTROL',
    });
    await sms.send({ ...message, phone: '13700000000' });
    for (let i = 0; i < 4; i += 1) {
      sim.advanceClock(61);
      await sms.send(message);
    }
    sim.advanceClock(61);
    expect((await failure(sms.send(message))).kind).toBe('rateLimited');
    sim.advanceClock(3600);
    expect((await sms.send(message)).accepted).toBe(true);
  });

  it('retryable: isp.SYSTEM_ERROR, a timeout, a dropped connection; then it recovers', async () => {
    sim.setFault({ path: '/SendSms', code: 'isp.SYSTEM_ERROR' });
    expect(await failure(sms.send(message))).toMatchObject({ kind: 'retryable', code: 'isp.SYSTEM_ERROR' });
    sim.setFault({ path: '/SendSms', latencyMs: 1500 });
    expect(await failure(sms.send(message))).toMatchObject({ kind: 'retryable', code: 'Timeout' });
    sim.setFault({ path: '/SendSms', drop: true });
    expect(await failure(sms.send(message))).toMatchObject({ kind: 'retryable', code: 'NetworkError' });
    sim.clearFaults();
    expect((await sms.send(message)).accepted).toBe(true);
  });

  it('a skewed client clock is refused with InvalidTimeStamp.Expired (retryable)', async () => {
    const skewed = createAliyunSmsProvider(config, { now: () => new Date(sim.now() - 16 * 60_000) });
    expect(await failure(skewed.send(message))).toMatchObject({
      kind: 'retryable',
      code: 'InvalidTimeStamp.Expired',
    });
  });
});
