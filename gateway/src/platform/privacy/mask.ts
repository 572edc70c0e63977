/** 脱敏: keep the first 3 and last 4 characters, e.g. 110***********1234 for an ID number. */
export function maskMiddle(value: string, keepStart = 3, keepEnd = 4): string {
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - keepStart - keepEnd) + value.slice(-keepEnd);
}

export const maskIdNumber = (value: string) => maskMiddle(value, 3, 4);
export const maskPhone = (value: string) => maskMiddle(value, 3, 4);
