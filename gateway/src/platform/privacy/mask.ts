/** 脱敏: keep the first 3 and last 4 characters, e.g. 110***********1234 for an ID number. */
export function maskMiddle(value: string, keepStart = 3, keepEnd = 4): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}

export const maskIdNumber = (value: string) => maskMiddle(value, 3, 4);
export const maskPhone = (value: string) => maskMiddle(value, 3, 4);

// The administrative part of an address (省/市/区县) is not what identifies a person; the street,
// building and room are.
const ADMINISTRATIVE_PREFIX =
  /^(?:.{1,10}?(?:省|自治区|特别行政区))?(?:.{1,10}?(?:市|自治州|州|盟|地区))?(?:.{1,10}?(?:区|县|旗|市))?/u;

/**
 * 地址脱敏: keep the administrative prefix (浙江省杭州市西湖区****), never more than all but 4
 * characters; an address without one keeps at most its first 3 characters. The hidden part is always
 * `****`, so the mask does not tell the length.
 */
export function maskAddress(value: string): string {
  const chars = [...value];
  const prefix = [...(ADMINISTRATIVE_PREFIX.exec(value)?.[0] ?? '')].length;
  let keep = Math.min(prefix, chars.length - 4);
  if (keep <= 0) keep = Math.min(3, Math.floor(chars.length / 3));
  return `${chars.slice(0, keep).join('')}****`;
}
