// The sending limits of SMS codes on a clock the test moves (the HTTP suite cannot wait a day), against
// the real SMS simulator through the Aliyun provider and the real repository on the test dialect.
import { randomBytes, randomUUID } from 'node:crypto';
import { createAliyunSmsProvider, createSmsSimulator, type SmsSimulator } from '@gcrm/connectors/sms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { BlindIndex, normalisePhone } from '../platform/crypto';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import type { RateLimiterFactory, RateLimitRule } from '../platform/ratelimit/rate-limit';
import { identityMigrations } from './identity.migrations';
import { PhoneRepository } from './phone.repository';
import { DEFAULT_SMS_CODE_TEMPLATE, PhoneSmsCodes } from './phone-sms-codes';

const SMS = { accessKeyId: 'LTAI-codes-test', accessKeySecret: 'codes-test-secret-0123' };

/** Fixed windows per rule and key on the test's clock (what rate-limiter-flexible does, minus Redis). */
function clockedLimiters(now: () => number, rules: RateLimitRule[]): RateLimiterFactory {
  return (rule) => {
    rules.push(rule);
    const windows = new Map<string, { start: number; used: number }>();
    return {
      async consume(key) {
        let w = windows.get(key);
        if (!w || now() >= w.start + rule.durationSeconds * 1000) {
          w = { start: now(), used: 0 };
          windows.set(key, w);
        }
        const retryAfterSeconds = Math.max(
          1,
          Math.ceil((w.start + rule.durationSeconds * 1000 - now()) / 1000),
        );
        if (w.used >= rule.points) return { allowed: false, remaining: 0, retryAfterSeconds };
        w.used++;
        return { allowed: true, remaining: rule.points - w.used, retryAfterSeconds };
      },
    };
  };
}

describe(`SMS code limits (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let sim: SmsSimulator;
  let clock = Date.now();
  const rules: RateLimitRule[] = [];
  let codes: PhoneSmsCodes;

  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, identityMigrations);
    // The provider's own flow control is generous here: these tests are about ours.
    sim = createSmsSimulator({ ...SMS, limits: { perMinute: 100, perHour: 100, perDay: 100 } });
    const index = new BlindIndex(randomBytes(32));
    codes = new PhoneSmsCodes(
      new PhoneRepository(database.db),
      index.column('citizen_phone_codes', 'code_hash', (v) => v, { bytes: 32 }),
      index.column('citizen_phones', 'phone', normalisePhone),
      clockedLimiters(() => clock, rules),
      () => clock,
    );
    const provider = createAliyunSmsProvider({
      ...SMS,
      signName: '政务服务中心',
      apiBase: await sim.listen(0),
    });
    codes.useSms(provider, DEFAULT_SMS_CODE_TEMPLATE, { sandboxCodes: false });
  });
  afterAll(async () => {
    await sim?.close();
    await database?.close();
    await env?.cleanup();
  });

  it('limits: once a minute per citizen and per number, 10 a day per number', () => {
    expect(rules).toEqual([
      { name: 'phone-sms-citizen', points: 1, durationSeconds: 60 },
      { name: 'phone-sms-number', points: 1, durationSeconds: 60 },
      { name: 'phone-sms-number-day', points: 10, durationSeconds: 86_400 },
    ]);
  });

  it('the 11th code of a day to one number is refused until the day is over, whoever asks', async () => {
    const phone = '13900000901';
    const start = clock;
    for (let i = 0; i < 10; i++) {
      await expect(codes.send(randomUUID(), phone)).resolves.toEqual({ expiresIn: 300, resendAfter: 60 });
      clock += 61_000;
    }
    const refused = await codes.send(randomUUID(), phone).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 429, code: 'sms_code_too_frequent' });
    const wait = Number((refused as { headers: Record<string, string> }).headers['Retry-After']);
    expect(wait).toBe(Math.ceil((start + 86_400_000 - clock) / 1000));
    expect(sim.messages(phone)).toHaveLength(10);
    // Another number is not affected; the day over, this one gets codes again.
    await expect(codes.send(randomUUID(), '13900000902')).resolves.toBeDefined();
    clock = start + 86_400_000;
    await expect(codes.send(randomUUID(), phone)).resolves.toBeDefined();
  });

  it('without a provider: 503 sms_not_configured, and nothing is counted', async () => {
    const off = new PhoneSmsCodes(
      new PhoneRepository(database.db),
      new BlindIndex(randomBytes(32)).column('c', 'h', (v) => v),
      new BlindIndex(randomBytes(32)).column('c', 'p', normalisePhone),
      clockedLimiters(() => clock, []),
      () => clock,
    );
    await expect(off.send(randomUUID(), '13900000903')).rejects.toMatchObject({
      status: 503,
      code: 'sms_not_configured',
    });
  });
});
