import { isMainlandProvinceCode } from './region-code';

/** GB 11643-1999 weights, 2^(17-i) mod 11, and the check character for each weighted sum mod 11. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * The check character (`0`–`9` or `X`) of the first 17 digits of an 18-character number, GB 11643-1999
 * (ISO 7064 MOD 11-2). Shared by resident ID numbers, 港澳台居民居住证 and the 2023 外国人永久居留身份证.
 */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** A real calendar date written `YYYYMMDD`. */
function isCalendarDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Birth date (chars 7–14, a real date) and GB 11643 check character (char 18, `x` taken as `X`). */
function hasDateAndCheck(value: string): boolean {
  return (
    isCalendarDate(value.slice(6, 14)) && residentIdCheckChar(value.slice(0, 17)) === value[17]!.toUpperCase()
  );
}

const DATE = '(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])';
const RESIDENT_ID = new RegExp(`^[1-9]\\d{5}${DATE}\\d{3}[\\dXx]$`);
const HMT_PERMIT = new RegExp(`^8[123]0000${DATE}\\d{3}[\\dXx]$`);
const FOREIGN_2023 = new RegExp(`^9\\d{5}${DATE}\\d{3}[\\dXx]$`);

/**
 * 居民身份证号码, GB 11643-1999: 6-digit address code, birth date `YYYYMMDD` (a real date), 3-digit
 * sequence, GB 11643 check character. The address code is not looked up: codes of abolished regions
 * remain on issued cards.
 */
export function isResidentId(value: string): boolean {
  return RESIDENT_ID.test(value) && hasDateAndCheck(value);
}

/**
 * 港澳台居民居住证 number (国办发〔2018〕81号, numbered like GB 11643): address code 810000 (Hong Kong),
 * 820000 (Macao) or 830000 (Taiwan), birth date, 3-digit sequence, GB 11643 check character.
 */
export function isHkMoTwResidencePermit(value: string): boolean {
  return HMT_PERMIT.test(value) && hasDateAndCheck(value);
}

/**
 * 外国人永久居留身份证 number, 2023 edition (issued since 2023-12-01): `9`, 2-digit province code of the
 * issuing place, 3-digit nationality code (ISO 3166-1 numeric / GB/T 2659), birth date `YYYYMMDD`, 3-digit
 * sequence, GB 11643 check character.
 *
 * Only the 2023 format is accepted. The nationality code is checked to be three digits, not looked up in
 * ISO 3166-1. The legacy 15-character format (2004/2017 cards, beginning with a 3-letter nationality
 * code) is rejected, because its full layout and check-character algorithm could not be confirmed.
 */
export function isForeignPermanentResidentId(value: string): boolean {
  return FOREIGN_2023.test(value) && isMainlandProvinceCode(value.slice(1, 3)) && hasDateAndCheck(value);
}
