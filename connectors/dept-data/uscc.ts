/** The 31 characters of GB 32100-2015, in value order. */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** 3^i mod 31, i = 0…16. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100-2015 check character of the first 17 characters of a 统一社会信用代码. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/**
 * A fictitious USCC-shaped code: `91` (工商, 企业), the region code, a 主体标识码 `MA` + 7 characters
 * derived from `n`, and a correct check character. Not looked up anywhere: fictitious employers only.
 */
export function fictitiousUscc(regionCode: string, n: number): string {
  let body = '';
  let rest = Math.abs(Math.trunc(n));
  for (let i = 0; i < 7; i++) {
    body = CHARSET[rest % 31]! + body;
    rest = Math.floor(rest / 31);
  }
  const first17 = `91${regionCode}MA${body}`;
  return first17 + usccCheckChar(first17);
}
