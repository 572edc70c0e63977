/** GB 11643-1999 weights, 2^(17-i) mod 11, and the check character for each weighted sum mod 11. */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const SHAPE = /^[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]$/;

/** The GB 11643 check character (`0`–`9` or `X`) of the first 17 digits of a resident ID number. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/**
 * A well-formed 18-character 居民身份证号码: address code, a real birth date, sequence code and a correct
 * GB 11643 check character (upper-case `X` only, as the sources store it).
 */
export function isIdNumber(value: string): boolean {
  if (typeof value !== 'string' || !SHAPE.test(value)) return false;
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return idCheckChar(value.slice(0, 17)) === value[17];
}

/** An ID number from its parts: 6-digit region code, `YYYY-MM-DD` birth date, 3-digit sequence code. */
export function buildIdNumber(regionCode: string, birthDate: string, sequence: number): string {
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** `110***********1234`: the masked form for logs and error texts. */
export function maskIdNumber(value: string): string {
  return value.length < 8 ? '***' : `${value.slice(0, 3)}${'*'.repeat(value.length - 7)}${value.slice(-4)}`;
}
