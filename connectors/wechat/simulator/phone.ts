import { randomBytes } from 'node:crypto';
import { BadRequest } from '../../core/simulator/sandbox';
import { createSlidingWindow } from '../../core/simulator/sliding-window';
import type { WireResult } from './state';

interface PhoneCode {
  openid: string;
  countryCode: string;
  purePhoneNumber: string;
  issuedAt: number;
  used: boolean;
}

/** One successful `getuserphonenumber` exchange (no number: the record shows that it happened). */
export interface PhoneExchange {
  openid: string;
  /** Simulator clock, ms. */
  at: number;
}

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const OTHER_NUMBER = /^\d{4,15}$/;
const MAX_RECORDS = 10_000;

/**
 * `getPhoneNumber` codes and `getuserphonenumber` (platforms.md §1.4): codes are minted by the sandbox
 * (what the button hands the mini-program), single-use, valid `codeTtlSeconds`; an unknown, used or
 * expired code is 40029. More than `ratePerMinute` exchanges a minute for the app answer 45011 without
 * consuming the code.
 */
export function createPhoneState(opts: {
  appId: string;
  now: () => number;
  codeTtlSeconds: number;
  ratePerMinute: number;
}) {
  const codes = new Map<string, PhoneCode>();
  const exchanges: PhoneExchange[] = [];
  const perApp = createSlidingWindow(opts.ratePerMinute, 60_000, opts.now);

  /** A fresh code for `openid`'s number; throws {@link BadRequest} for a malformed number. */
  function mint(input: unknown): string {
    const raw = (input ?? {}) as Record<string, unknown>;
    const { openid, phone } = raw;
    const countryCode = raw.countryCode ?? '86';
    if (typeof openid !== 'string' || openid === '' || openid.length > 128) {
      throw new BadRequest('openid must be a non-empty string');
    }
    if (typeof countryCode !== 'string' || !/^[1-9]\d{0,3}$/.test(countryCode)) {
      throw new BadRequest('countryCode must be 1-4 digits');
    }
    const pattern = countryCode === '86' ? MAINLAND_MOBILE : OTHER_NUMBER;
    if (typeof phone !== 'string' || !pattern.test(phone)) {
      throw new BadRequest(
        countryCode === '86'
          ? 'phone must be an 11-digit mainland mobile number'
          : 'phone must be 4-15 digits',
      );
    }
    for (const [code, entry] of codes) {
      if (entry.used || opts.now() - entry.issuedAt > opts.codeTtlSeconds * 1000) codes.delete(code);
    }
    const code = randomBytes(32).toString('hex');
    codes.set(code, { openid, countryCode, purePhoneNumber: phone, issuedAt: opts.now(), used: false });
    return code;
  }

  /** `POST /wxa/business/getuserphonenumber` once the access token is accepted. */
  function exchange(body: Record<string, unknown>): WireResult {
    const code = typeof body.code === 'string' ? codes.get(body.code) : undefined;
    if (!code || code.used) return 40029;
    if (opts.now() - code.issuedAt > opts.codeTtlSeconds * 1000) return 40029;
    // [SIM assumption] An openid sent along must be the user the code was issued to.
    if (body.openid !== undefined && body.openid !== code.openid) return 40029;
    if (!perApp.take(opts.appId)) return 45011;
    code.used = true;
    exchanges.push({ openid: code.openid, at: opts.now() });
    if (exchanges.length > MAX_RECORDS) exchanges.shift();
    const pure = code.purePhoneNumber;
    return {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: `+${code.countryCode} ${pure}`,
        purePhoneNumber: pure,
        countryCode: code.countryCode,
        watermark: { timestamp: Math.floor(opts.now() / 1000), appid: opts.appId },
      },
    };
  }

  return {
    mint,
    exchange,
    exchanges: (openid?: string) =>
      exchanges.filter((e) => openid === undefined || e.openid === openid).map((e) => ({ ...e })),
  };
}

export type PhoneState = ReturnType<typeof createPhoneState>;
