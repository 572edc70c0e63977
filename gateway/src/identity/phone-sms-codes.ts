import { randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { SmsError, type SmsProvider } from '@gcrm/connectors/sms';
import type { ColumnIndex } from '../platform/crypto';
import type { Tx } from '../platform/db/transaction';
import type { RateLimiter, RateLimiterFactory } from '../platform/ratelimit/rate-limit';
import { phoneErrors } from './phone.errors';
import { MAX_CODE_ATTEMPTS, type PhoneRepository } from './phone.repository';

/** The SMS template of the code: `params` values may hold `{code}` (config/notifications.json `verification`). */
export interface SmsCodeTemplate {
  templateCode: string;
  params: Record<string, string>;
}

/** The shipped template (config/notifications.json `verification.sms`), also known to the SMS simulator. */
export const DEFAULT_SMS_CODE_TEMPLATE: SmsCodeTemplate = {
  templateCode: 'SMS_VERIFY_CODE',
  params: { code: '{code}' },
};

export const SMS_CODE_TTL_SECONDS = 300;
export const SMS_RESEND_SECONDS = 60;
const SMS_PER_NUMBER_PER_DAY = 10;
// Aliyun's own flow control (1/min, 5/h, 10/day per number) refused: our minute limit already held, so
// it is the hourly or daily one; an hour is the honest guess.
const PROVIDER_LIMIT_RETRY_SECONDS = 3600;

export interface SentCode {
  expiresIn: number;
  resendAfter: number;
  /** The code itself: only with the in-process SMS simulator (embedded mode), for trying it in a browser. */
  sandboxCode?: string;
}

/**
 * 6-digit SMS codes proving a citizen holds a number. Only an HMAC-SM3 of (citizen, number, code) is
 * stored, so a code sent for one number does not verify another; 5 minutes; 5 wrong answers void it.
 * Sending is limited to once a minute per citizen and per number, and 10 a day per number (counted
 * under the number's blind index, never the number).
 */
export class PhoneSmsCodes {
  private readonly perCitizen: RateLimiter;
  private readonly perNumber: RateLimiter;
  private readonly perNumberDaily: RateLimiter;
  private sms: { provider: SmsProvider; template: SmsCodeTemplate; sandboxCodes: boolean } | undefined;

  constructor(
    private readonly repo: PhoneRepository,
    private readonly codeIndex: ColumnIndex,
    private readonly numberIndex: ColumnIndex,
    rateLimiters: RateLimiterFactory,
    private readonly now: () => number,
  ) {
    this.perCitizen = rateLimiters({
      name: 'phone-sms-citizen',
      points: 1,
      durationSeconds: SMS_RESEND_SECONDS,
    });
    this.perNumber = rateLimiters({
      name: 'phone-sms-number',
      points: 1,
      durationSeconds: SMS_RESEND_SECONDS,
    });
    this.perNumberDaily = rateLimiters({
      name: 'phone-sms-number-day',
      points: SMS_PER_NUMBER_PER_DAY,
      durationSeconds: 86_400,
    });
  }

  /**
   * Sends codes through `provider` with `template`. `sandboxCodes`: the answer carries the code too
   * (only for the in-process SMS simulator of embedded mode). Without this call SMS codes answer 503.
   */
  useSms(provider: SmsProvider, template: SmsCodeTemplate, options: { sandboxCodes: boolean }): void {
    this.sms = { provider, template, sandboxCodes: options.sandboxCodes };
  }

  /** Sends a new code to `phone` (a valid mainland mobile number), replacing the citizen's pending one. */
  async send(citizenId: string, phone: string): Promise<SentCode> {
    const sms = this.sms;
    if (!sms) throw phoneErrors.smsNotConfigured();
    const numberKey = this.numberIndex.of(phone);
    for (const [limiter, key] of [
      [this.perCitizen, citizenId],
      [this.perNumber, numberKey],
      [this.perNumberDaily, numberKey],
    ] as const) {
      const decision = await limiter.consume(key);
      if (!decision.allowed) throw phoneErrors.smsTooFrequent(decision.retryAfterSeconds);
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const codeHash = this.hash(citizenId, phone, code);
    const now = this.now();
    // Stored before sending, so that a citizen quick with the code finds it.
    await this.repo.saveCode({
      citizen_id: citizenId,
      code_hash: codeHash,
      attempts: 0,
      created_at: now,
      expires_at: now + SMS_CODE_TTL_SECONDS * 1000,
    });
    try {
      await sms.provider.send({
        phone,
        templateCode: sms.template.templateCode,
        params: Object.fromEntries(
          Object.entries(sms.template.params).map(([k, v]) => [k, v.replaceAll('{code}', code)]),
        ),
        outId: `phone-code:${randomUUID()}`,
      });
    } catch (error) {
      await this.repo.dropCode(citizenId, codeHash);
      throw fromSms(error);
    }
    return {
      expiresIn: SMS_CODE_TTL_SECONDS,
      resendAfter: SMS_RESEND_SECONDS,
      ...(sms.sandboxCodes ? { sandboxCode: code } : {}),
    };
  }

  /**
   * Checks `smsCode` for `phone` against the citizen's pending code; returns what {@link take} consumes
   * once right. Wrong uses up one of the 5 attempts (`onVoid` runs when it was the last).
   * @throws `sms_code_invalid` (wrong) or `sms_code_expired` (none pending, expired or void)
   */
  async check(citizenId: string, phone: string, smsCode: string, onVoid: () => Promise<void>) {
    const pending = await this.repo.code(citizenId);
    if (
      !pending ||
      Number(pending.expires_at) <= this.now() ||
      Number(pending.attempts) >= MAX_CODE_ATTEMPTS
    ) {
      throw phoneErrors.smsCodeExpired();
    }
    const given = Buffer.from(this.hash(citizenId, phone, smsCode));
    const stored = Buffer.from(pending.code_hash);
    if (given.length === stored.length && timingSafeEqual(given, stored)) return pending.code_hash;
    const attempts = await this.repo.countWrongAnswer(citizenId, pending.code_hash);
    if (attempts === null) throw phoneErrors.smsCodeExpired();
    if (attempts >= MAX_CODE_ATTEMPTS) await onVoid();
    throw phoneErrors.smsCodeInvalid();
  }

  /** Consumes a checked code in the binding transaction; `sms_code_expired` if it went meanwhile. */
  async take(tx: Tx, citizenId: string, codeHash: string): Promise<void> {
    if (!(await this.repo.takeCode(tx, citizenId, codeHash, this.now()))) {
      throw phoneErrors.smsCodeExpired();
    }
  }

  private hash(citizenId: string, phone: string, code: string): string {
    return this.codeIndex.of(JSON.stringify([citizenId, phone, code]));
  }
}

function fromSms(error: unknown): unknown {
  if (!(error instanceof SmsError)) return error;
  if (error.kind === 'rateLimited') return phoneErrors.smsTooFrequent(PROVIDER_LIMIT_RETRY_SECONDS);
  if (error.kind === 'retryable') return phoneErrors.smsUnavailable();
  if (error.code === 'isv.MOBILE_NUMBER_ILLEGAL') return phoneErrors.phoneInvalid();
  return phoneErrors.smsError();
}
