import type { Gender } from '../records';
import { dateOfYear, familyRegionIndex, layoutIdNumber, SLOTS_PER_FAMILY } from './id-layout';
import { address, ethnicity, givenName, SURNAMES } from './names';
import { type Draws, draws, hash32 } from './random';
import { REGIONS, type Region } from './regions';

/**
 * How a family's four slots are filled: 核心家庭 (couple + 2 children), 三代同堂 (couple + 1 child +
 * the head's parent), 离异 (divorced couple + 2 children, the ex-spouse in a household of their own),
 * or 4 unrelated single adults, each their own household.
 */
export type FamilyKind = 'nuclear' | 'three-generation' | 'divorced' | 'singles';

export type MemberRole = 'head' | 'spouse' | 'child' | 'parent' | 'single';

/** One fictitious person, with what every source derives its records from. */
export interface Member {
  /** Position in the population, `family × 4 + slot`. */
  index: number;
  family: number;
  slot: number;
  role: MemberRole;
  idNumber: string;
  name: string;
  gender: Gender;
  birthDate: string;
  ethnicity: string;
  deathDate: string | null;
  householdId: string;
  /** Slot of this member's household head (the member's own slot when they head one). */
  householdHeadSlot: number;
  relationToHead: string;
  address: string;
}

export interface Family {
  index: number;
  kind: FamilyKind;
  region: Region;
  /** The members that are inside the population (the last family may be cut short). */
  members: Member[];
  /** Slot of the husband and of the wife (couple kinds only). */
  husbandSlot: number | null;
  wifeSlot: number | null;
  marriageDate: string | null;
  divorceDate: string | null;
}

export interface FamilyContext {
  seed: number;
  size: number;
  /** Year of the population's reference date; nobody is born in it (births end on 31 Dec of the year before). */
  asOfYear: number;
}

interface Draft {
  slot: number;
  role: MemberRole;
  male: boolean;
  birthYear: number;
  surname: string;
  ethnicity: string;
  deathDate: string | null;
  household: number;
  householdHeadSlot: number;
  relationToHead: string;
}

function kindOf(d: Draws): FamilyKind {
  const u = d.next();
  return u < 0.55 ? 'nuclear' : u < 0.75 ? 'three-generation' : u < 0.85 ? 'divorced' : 'singles';
}

function singles(d: Draws, year: number): Draft[] {
  return [0, 1, 2, 3].map((slot) => ({
    slot,
    role: 'single',
    male: d.chance(0.5),
    birthYear: year - d.int(18, 45),
    surname: d.pick(SURNAMES),
    ethnicity: ethnicity(d),
    deathDate: null,
    household: slot + 1,
    householdHeadSlot: slot,
    relationToHead: '户主',
  }));
}

/** Couple kinds: the drafts plus the marriage (and divorce) dates. */
function couple(d: Draws, kind: FamilyKind, year: number) {
  const husbandBirth = year - d.int(26, 78);
  const wifeBirth = Math.min(husbandBirth + d.int(-3, 6), year - 24);
  const marriageYear = Math.min(Math.max(husbandBirth + 22, wifeBirth + 20) + 1 + d.int(0, 6), year - 2);
  const marriageDate = dateOfYear(marriageYear, d.int(0, 364));
  const headMale = d.chance(0.6);
  const husbandSurname = d.pick(SURNAMES);
  const wifeSurname = d.pick(SURNAMES);
  const husbandEthnicity = ethnicity(d);
  const wifeEthnicity = d.chance(0.8) ? husbandEthnicity : ethnicity(d);
  const childLow = marriageYear + 1;
  const childHigh = Math.min(year - 1, wifeBirth + 42);
  const firstChild = d.int(childLow, childHigh);
  const secondChild = d.int(Math.min(firstChild + 2, childHigh), childHigh);
  const divorceDate =
    kind === 'divorced'
      ? dateOfYear(d.int(Math.max(marriageYear + 1, secondChild), year - 1), d.int(0, 364))
      : null;

  const partner = (slot: number, male: boolean): Draft => ({
    slot,
    role: slot === 0 ? 'head' : 'spouse',
    male,
    birthYear: male ? husbandBirth : wifeBirth,
    surname: male ? husbandSurname : wifeSurname,
    ethnicity: male ? husbandEthnicity : wifeEthnicity,
    deathDate: null,
    household: slot === 1 && kind === 'divorced' ? 2 : 1,
    householdHeadSlot: slot === 1 && kind === 'divorced' ? 1 : 0,
    relationToHead: slot === 0 || kind === 'divorced' ? '户主' : '配偶',
  });
  const child = (slot: number, birthYear: number): Draft => {
    const male = d.chance(0.51);
    return {
      slot,
      role: 'child',
      male,
      birthYear,
      surname: husbandSurname,
      ethnicity: husbandEthnicity,
      deathDate: null,
      household: 1,
      householdHeadSlot: 0,
      relationToHead: male ? '子' : '女',
    };
  };
  const drafts = [partner(0, headMale), partner(1, !headMale), child(2, firstChild)];
  if (kind === 'three-generation') {
    const headBirth = headMale ? husbandBirth : wifeBirth;
    const parentBirth = headBirth - d.int(22, 34);
    const age = year - parentBirth;
    const male = d.chance(0.5);
    const deceased = age >= 98 || (age >= 72 && d.chance(age > 85 ? 0.6 : 0.2));
    drafts.push({
      slot: 3,
      role: 'parent',
      male,
      birthYear: parentBirth,
      surname: male ? (headMale ? husbandSurname : wifeSurname) : d.pick(SURNAMES),
      ethnicity: headMale ? husbandEthnicity : wifeEthnicity,
      deathDate: deceased
        ? dateOfYear(d.int(Math.max(year - 15, parentBirth + 70), year - 1), d.int(0, 364))
        : null,
      household: 1,
      householdHeadSlot: 0,
      relationToHead: male ? '父亲' : '母亲',
    });
  } else {
    drafts.push(child(3, secondChild));
  }
  return { drafts, marriageDate, divorceDate, husbandSlot: headMale ? 0 : 1, wifeSlot: headMale ? 1 : 0 };
}

/** Family `k` of the population: deterministic in (seed, k); O(1). */
export function generateFamily(ctx: FamilyContext, k: number): Family {
  const d = draws(hash32(ctx.seed, k, 0xfa));
  const kind = kindOf(d);
  const region = REGIONS[familyRegionIndex(k)]!;
  const pair = kind === 'singles' ? null : couple(d, kind, ctx.asOfYear);
  const drafts = pair ? pair.drafts : singles(d, ctx.asOfYear);
  const addresses = new Map<number, string>();
  const members: Member[] = [];
  for (const draft of drafts) {
    const index = k * SLOTS_PER_FAMILY + draft.slot;
    const given = givenName(d, draft.male);
    if (index >= ctx.size) continue;
    if (!addresses.has(draft.household)) addresses.set(draft.household, address(d, region.name));
    const idNumber = layoutIdNumber(ctx.seed, k, draft.slot, draft.birthYear, draft.male);
    members.push({
      index,
      family: k,
      slot: draft.slot,
      role: draft.role,
      idNumber,
      name: draft.surname + given,
      gender: draft.male ? '男' : '女',
      birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      ethnicity: draft.ethnicity,
      deathDate: draft.deathDate,
      householdId: `${region.code}${String(k).padStart(7, '0')}${draft.household}`,
      householdHeadSlot: draft.householdHeadSlot,
      relationToHead: draft.relationToHead,
      address: addresses.get(draft.household)!,
    });
  }
  return {
    index: k,
    kind,
    region,
    members,
    husbandSlot: pair?.husbandSlot ?? null,
    wifeSlot: pair?.wifeSlot ?? null,
    marriageDate: pair?.marriageDate ?? null,
    divorceDate: pair?.divorceDate ?? null,
  };
}

/** Member in `slot`, when inside the population. */
export function memberAt(family: Family, slot: number | null): Member | undefined {
  return slot === null ? undefined : family.members.find((m) => m.slot === slot);
}
