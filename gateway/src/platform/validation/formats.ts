/**
 * Format validators for Chinese identifiers: pure functions, registered as ajv formats in `./ajv`.
 * Each family lives in its own file; this module is the one import point.
 */
export {
  isMainlandProvinceCode,
  isRegionCode,
  type RegionEntry,
  type RegionLevel,
  regionLevel,
  regionName,
  regionPath,
  regions,
} from './region-code';
export {
  isForeignPermanentResidentId,
  isHkMoTwResidencePermit,
  isResidentId,
  residentIdCheckChar,
} from './resident-id';
export { isUscc, USCC_CHARSET, USCC_PREFIXES, usccCheckChar } from './uscc';

/** A mainland mobile number (11 digits, 1[3-9]…), without country code. */
export function isMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value);
}

/**
 * The Luhn (ISO/IEC 7812-1 Annex B) check digit to append to `body`, a string of digits.
 * @throws RangeError if `body` is not all digits.
 */
export function luhnCheckDigit(body: string): string {
  if (!/^\d+$/.test(body)) throw new RangeError('body must be digits');
  let sum = 0;
  // From the right of the body, every first, third, … digit is doubled (it sits left of the check digit).
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = body.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/**
 * A bank card number (ISO/IEC 7812 PAN): 12–19 digits whose last digit is the Luhn check digit.
 * A few old domestic debit cards were issued without a valid Luhn digit; they are rejected.
 */
export function isBankCard(value: string): boolean {
  return /^\d{12,19}$/.test(value) && luhnCheckDigit(value.slice(0, -1)) === value.at(-1);
}
