import { isMainlandProvinceCode } from './region-code';

/** The 31 characters of GB 32100-2015, in value order: digits and capitals without I, O, S, V, Z. */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** 3^i mod 31, i = 0…16. */
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * 登记管理部门码 (char 1) → the 机构类别码 (char 2) allowed with it.
 *
 * Sure (GB 32100-2015 附录A as published): 1 机构编制 — 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的
 * 群众团体, 9 其他; 5 民政 — 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他; 9 工商 — 1 企业, 2 个体工商户,
 * 3 农民专业合作社; Y 其他 — 1.
 *
 * Not verified against the text of the amendments that added them (2 外交, 3 司法行政, 4 文化, 6 旅游,
 * 7 宗教, 8 工会, A 中央军委改革和编制办公室, N 农业): those departments are accepted with any category
 * digit 1–9 rather than risk rejecting issued codes. No codes are known to us for B–H, so they are rejected.
 */
const USCC_CATEGORIES: Readonly<Record<string, string>> = {
  '1': '1239',
  '5': '1239',
  '9': '123',
  Y: '1',
  '2': '123456789',
  '3': '123456789',
  '4': '123456789',
  '6': '123456789',
  '7': '123456789',
  '8': '123456789',
  A: '123456789',
  N: '123456789',
};

/** Registration authority and category pairs that {@link isUscc} accepts (e.g. `91`), for generators. */
export const USCC_PREFIXES: readonly string[] = Object.entries(USCC_CATEGORIES).flatMap(([dept, kinds]) =>
  [...kinds].map((k) => dept + k),
);

const FIRST17 = /^[0-9A-HJ-NP-RTUW-Y]{17}$/;

/**
 * The check character of the first 17 characters of a 统一社会信用代码, GB 32100-2015:
 * 31 − (Σ value × 3^i mod 31) mod 31, as a character of {@link USCC_CHARSET} (31 → `0`).
 * @throws RangeError if `first17` is not 17 characters of that set.
 */
export function usccCheckChar(first17: string): string {
  if (!FIRST17.test(first17)) throw new RangeError('first17 must be 17 characters of the GB 32100 set');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARSET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARSET[(31 - (sum % 31)) % 31]!;
}

/**
 * 统一社会信用代码, GB 32100-2015: 18 characters of {@link USCC_CHARSET} (capitals only) — 登记管理部门码
 * and 机构类别码 (see {@link USCC_PREFIXES}), a 6-digit 登记管理机关行政区划码 whose first two digits are a
 * mainland province or `10` (central registration, e.g. `100000`), a 9-character 主体标识码, and the
 * check character.
 *
 * The region code is not looked up in the current GB/T 2260 list: a code is kept for life, so codes of
 * since-abolished districts stay valid. The 主体标识码's own GB 11714 check character is not verified
 * either (the standard carries it over from the organisation code, but it is not certain that every
 * issued code satisfies it).
 */
export function isUscc(value: string): boolean {
  if (value.length !== 18 || !FIRST17.test(value.slice(0, 17))) return false;
  if (!USCC_CATEGORIES[value[0]!]?.includes(value[1]!)) return false;
  if (!/^\d{6}$/.test(value.slice(2, 8))) return false;
  const province = value.slice(2, 4);
  if (province !== '10' && !isMainlandProvinceCode(province)) return false;
  return usccCheckChar(value.slice(0, 17)) === value[17];
}
