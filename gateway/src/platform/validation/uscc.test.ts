import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regions } from './region-code';
import { isUscc, USCC_CHARSET, USCC_PREFIXES, usccCheckChar } from './uscc';

const withCheck = (first17: string) => first17 + usccCheckChar(first17);

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('computes the check character as 31 − (Σ value × 3^i mod 31), 31 → 0', () => {
    expect(usccCheckChar('0'.repeat(17))).toBe('0'); // sum 0 → 31 → 0
    expect(usccCheckChar(`1${'0'.repeat(16)}`)).toBe('Y'); // 31 − 1 = 30 → Y
    expect(usccCheckChar(`01${'0'.repeat(15)}`)).toBe('W'); // 31 − 3 = 28 → W
    expect(() => usccCheckChar('9111010800000000I')).toThrow(RangeError);
    expect(() => usccCheckChar('91110108')).toThrow(RangeError);
  });

  it('accepts constructed codes of each registration authority', () => {
    // Synthetic 主体标识码 (all zeros or 1–9), not any organisation's.
    for (const first17 of [
      '91110108000000000', // 工商, 企业, 北京市海淀区
      '92440300123456789', // 工商, 个体工商户, 深圳市
      '11100000000000000', // 机构编制, 机关, central registration
      '53310000000000000', // 民政, 基金会, 上海市
      'Y1650100000000000', // 其他
      'N2510100123456789', // 农业 (later addition)
    ]) {
      expect(isUscc(withCheck(first17))).toBe(true);
    }
  });

  it('rejects bad authorities, categories, regions, characters and lengths', () => {
    const bad = [
      withCheck('94110108000000000'), // 工商 has categories 1–3 only
      withCheck('Y2110108000000000'), // 其他 has category 1 only
      withCheck('B1110108000000000'), // no authority B known
      withCheck('01110108000000000'),
      withCheck('91990108000000000'), // no province 99
      withCheck('91000000000000000'),
      withCheck('91810000000000000'), // Hong Kong is not a mainland registration region
      withCheck('9111010A000000000'), // letter in the region code
      withCheck('91110108M00000000').toLowerCase(),
      `${withCheck('91110108000000000')}0`,
      withCheck('91110108000000000').slice(0, 17),
    ];
    for (const code of bad) expect(isUscc(code)).toBe(false);
    const good = withCheck('91110108000000000');
    for (const c of USCC_CHARSET) if (c !== good[17]) expect(isUscc(good.slice(0, 17) + c)).toBe(false);
  });

  const TYPED = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -_.０１';
  const regionCodes = [
    '100000',
    ...(['province', 'city', 'district'] as const).flatMap((l) => regions(l).map((r) => r.code)),
  ].filter((c) => !/^(71|81|82)/.test(c));
  const codes = fc
    .tuple(
      fc.constantFrom(...USCC_PREFIXES),
      fc.constantFrom(...regionCodes),
      fc.array(fc.constantFrom(...USCC_CHARSET), { minLength: 9, maxLength: 9 }),
    )
    .map(([prefix, region, body]) => withCheck(prefix + region + body.join('')));
  const changed = fc.tuple(codes, fc.nat(), fc.nat(), fc.boolean()).map(([value, p, k, broad]) => {
    const at = p % value.length;
    const pool = [...(broad ? TYPED : USCC_CHARSET)].filter((c) => c !== value[at]);
    return { value, changed: value.slice(0, at) + pool[k % pool.length]! + value.slice(at + 1) };
  });

  it('generated codes pass, one changed character fails', () => {
    fc.assert(
      fc.property(changed, ({ value, changed }) => {
        expect(isUscc(value)).toBe(true);
        expect(isUscc(changed)).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 25 }), fc.stringMatching(/^[0-9A-Z]{16,19}$/)), (s) => {
        expect(typeof isUscc(s)).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });
});
