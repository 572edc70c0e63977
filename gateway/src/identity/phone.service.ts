import {
  type PhoneNumberFailureKind,
  phoneNumberFailureKind,
  WechatTransportError,
} from '@gcrm/connectors/wechat';
import type { AuditEntry } from '../audit';
import { type BlindIndex, type FieldCipher, normalisePhone } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { maskPhone } from '../platform/privacy/mask';
import type { RateLimiterFactory } from '../platform/ratelimit/rate-limit';
import { isMobile } from '../platform/validation/formats';
import { phoneErrors } from './phone.errors';
import { PhoneRepository } from './phone.repository';
import { PhoneSmsCodes, type SentCode } from './phone-sms-codes';

/** What binding needs of the WeChat connector (`getuserphonenumber`), so tests and other apps can stand in. */
export interface WechatPhoneSource {
  getPhoneNumber(
    code: string,
    options: { openid?: string },
  ): Promise<{ purePhoneNumber: string; countryCode: string }>;
}

/** GET /me: the account as the mini-program shows it; never the full number. */
export interface MeView {
  id: string;
  phoneBound: boolean;
  /** `139****0001`, or null when no number is bound. */
  phoneMasked: string | null;
  /** Epoch ms of the binding's verification, or null. */
  phoneVerifiedAt: number | null;
  /** How the bound number was verified: `wechat` (getPhoneNumber) or `sms`; null when none is bound. */
  phoneMethod: 'wechat' | 'sms' | null;
  /** Channel of the citizen's latest sign-in: `wechat` (mini-program) or `sandbox` (H5 sandbox login). */
  channel: string;
}

/** The request an audit row names (never a body). */
export interface RequestInfo {
  ip: string | null;
  requestId: string | null;
}

export type AuditAppend = (entry: AuditEntry, tx?: Tx) => Promise<unknown>;

const PLACE = { table: 'citizen_phones', column: 'phone' } as const;

/**
 * 绑定手机号: a citizen proves a number by WeChat's `getPhoneNumber` or by an SMS code, and it is kept
 * SM4-encrypted (bound to the citizen's row) with a keyed SM3 blind index. A new binding replaces the
 * earlier number. Every binding is audited (method, whether a number was replaced; never the number).
 * Other contexts read the number through {@link phoneOf} / {@link hasBoundPhone} only.
 */
export class PhoneBinding {
  readonly numberIndex;
  /** SMS verification codes; `codes.useSms(…)` switches them on. */
  readonly codes: PhoneSmsCodes;

  constructor(
    private readonly db: Db,
    private readonly repo: PhoneRepository,
    private readonly cipher: FieldCipher,
    index: BlindIndex,
    private readonly deps: {
      codes: PhoneSmsCodes;
      wechat: WechatPhoneSource;
      openidOf: (citizenId: string) => Promise<string | undefined>;
      audit: AuditAppend;
      now?: () => number;
    },
  ) {
    this.numberIndex = index.column(PLACE.table, PLACE.column, normalisePhone);
    this.codes = deps.codes;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async me(citizenId: string): Promise<MeView> {
    const row = await this.repo.citizen(citizenId);
    if (!row) throw phoneErrors.citizenNotFound();
    const phone = row.phone_ct ? await this.open(citizenId, row.phone_ct) : null;
    return {
      id: row.id,
      phoneBound: phone !== null,
      phoneMasked: phone === null ? null : maskPhone(phone),
      phoneVerifiedAt: phone === null ? null : Number(row.verified_at),
      phoneMethod: phone === null ? null : (row.method as 'wechat' | 'sms'),
      channel: row.last_channel ?? 'wechat',
    };
  }

  /** The citizen's bound number in clear (for prefill and SMS), or undefined. Never log it. */
  async phoneOf(citizenId: string): Promise<string | undefined> {
    const row = await this.repo.phone(citizenId);
    return row ? this.open(citizenId, row.phone_ct) : undefined;
  }

  async hasBoundPhone(citizenId: string): Promise<boolean> {
    return (await this.repo.phone(citizenId)) !== undefined;
  }

  /** For services with `requiresPhone`: throws 422 `phone_required` unless a number is bound. */
  async assertPhoneBound(citizenId: string): Promise<void> {
    if (!(await this.hasBoundPhone(citizenId))) throw phoneErrors.phoneRequired();
  }

  /** Exchanges a `getPhoneNumber` code with WeChat and binds the number. */
  async bindWechat(citizenId: string, code: string, request: RequestInfo): Promise<{ phoneMasked: string }> {
    const openid = await this.deps.openidOf(citizenId);
    let answer: { purePhoneNumber: string; countryCode: string };
    try {
      answer = await this.deps.wechat.getPhoneNumber(code, openid ? { openid } : {});
    } catch (error) {
      throw fromWechat(error);
    }
    if (answer.countryCode !== '86' || !isMobile(answer.purePhoneNumber))
      throw phoneErrors.phoneNotSupported();
    return this.bind(citizenId, answer.purePhoneNumber, 'wechat', request);
  }

  /** Checks an SMS code sent by {@link sendSmsCode} and binds the number. */
  async bindSms(
    citizenId: string,
    phone: string,
    smsCode: string,
    request: RequestInfo,
  ): Promise<{ phoneMasked: string }> {
    if (!isMobile(phone)) throw phoneErrors.phoneInvalid();
    if (!/^\d{6}$/.test(smsCode)) throw phoneErrors.smsCodeInvalid();
    const codes = this.codes;
    const checked = await codes.check(citizenId, phone, smsCode, () =>
      this.deps
        .audit({
          actorType: 'citizen',
          actorId: citizenId,
          action: 'citizen.phone.code_void',
          objectType: 'citizen',
          objectId: citizenId,
          result: 'denied',
          ip: request.ip,
          requestId: request.requestId,
          details: { reason: 'too_many_wrong_codes' },
        })
        .then(() => undefined),
    );
    return this.bind(citizenId, phone, 'sms', request, (tx) => codes.take(tx, citizenId, checked));
  }

  /** Sends an SMS code (validated number first: 422 /phone). */
  async sendSmsCode(citizenId: string, phone: string): Promise<SentCode> {
    if (!isMobile(phone)) throw phoneErrors.phoneInvalid();
    return this.codes.send(citizenId, phone);
  }

  /** Unbinds (data deletion); pending codes go too. Returns the rows deleted. */
  async erase(citizenId: string): Promise<number> {
    return (await this.repo.deletePhone(citizenId)) + (await this.repo.deleteCodes(citizenId));
  }

  /** The binding for the citizen's own data export: the number in clear (their copy), method and time. */
  async exportOwn(citizenId: string) {
    const row = await this.repo.phone(citizenId);
    if (!row) return null;
    return {
      phone: await this.open(citizenId, row.phone_ct),
      method: row.method,
      verifiedAt: new Date(Number(row.verified_at)).toISOString(),
    };
  }

  private async bind(
    citizenId: string,
    phone: string,
    method: 'wechat' | 'sms',
    request: RequestInfo,
    before?: (tx: Tx) => Promise<void>,
  ): Promise<{ phoneMasked: string }> {
    const now = this.now();
    const row = {
      citizen_id: citizenId,
      phone_ct: this.cipher.encrypt(phone, { ...PLACE, rowId: citizenId }),
      phone_bidx: this.numberIndex.of(phone),
      method,
      verified_at: now,
      updated_at: now,
    };
    await inTransaction(this.db, async (tx) => {
      await before?.(tx);
      const replaced = await this.repo.savePhone(tx, row);
      // Fail-closed: the binding and its audit row commit together.
      await this.deps.audit(
        {
          actorType: 'citizen',
          actorId: citizenId,
          action: 'citizen.phone.bind',
          objectType: 'citizen',
          objectId: citizenId,
          result: 'success',
          ip: request.ip,
          requestId: request.requestId,
          details: { method, replaced },
        },
        tx,
      );
    });
    return { phoneMasked: maskPhone(phone) };
  }

  private open(citizenId: string, ciphertext: string): Promise<string> {
    return this.cipher.decryptRefreshing(ciphertext, { ...PLACE, rowId: citizenId });
  }
}

/**
 * Phone binding over the gateway's database, personal-data crypto and rate limiters. SMS codes stay
 * off (503 `sms_not_configured`) until `binding.codes.useSms(…)` gives them a provider.
 */
export function createPhoneBinding(deps: {
  db: Db;
  cipher: FieldCipher;
  index: BlindIndex;
  rateLimiters: RateLimiterFactory;
  wechat: WechatPhoneSource;
  openidOf: (citizenId: string) => Promise<string | undefined>;
  audit: AuditAppend;
  now?: () => number;
}): PhoneBinding {
  const now = deps.now ?? Date.now;
  const repo = new PhoneRepository(deps.db);
  const codes = new PhoneSmsCodes(
    repo,
    deps.index.column('citizen_phone_codes', 'code_hash', (value) => value, { bytes: 32 }),
    deps.index.column('citizen_phones', 'phone', normalisePhone),
    deps.rateLimiters,
    now,
  );
  return new PhoneBinding(deps.db, repo, deps.cipher, deps.index, { ...deps, codes, now });
}

const RETRY_AFTER: Partial<Record<PhoneNumberFailureKind, number>> = {
  retryable: 2,
  tokenStale: 5,
  rateLimited: 60,
};

/** WeChat's answer, in words for the citizen; none of them names the code or the user. */
function fromWechat(error: unknown): unknown {
  if (error instanceof WechatTransportError) return phoneErrors.wechatUnreachable();
  const kind = phoneNumberFailureKind(error);
  if (kind === 'invalidCode') return phoneErrors.wechatCodeInvalid();
  const retryAfter = RETRY_AFTER[kind];
  if (retryAfter !== undefined) return phoneErrors.wechatBusy(retryAfter);
  return error instanceof Error && 'errcode' in error ? phoneErrors.wechatError() : error;
}
