import type { ChangeEvent, DeptSourceKey } from '@gcrm/connectors/dept-data';
import type { LifeEvent } from './life-events';
import type { PulledRecords } from './observations';

/** Context for deriving events: the persons' fresh records and the blind index of an ID number. */
export interface DeriveContext {
  records: ReadonlyMap<string, PulledRecords>;
  index(idNumber: string): string;
}

/**
 * The life events a change means, read from the re-pulled records of the persons it names: births
 * (`birth_registered`, `birth_certificate_issued`), school entry and graduation, marriage and divorce,
 * home purchase (`property_registered` / `property_transferred` to a new owner) and death in the
 * family (`death_registered`, `death_certified`: every other person named, and the household head).
 * Other types (moves, `record_updated`) only re-merge the profile.
 */
export function lifeEventsOfChange(
  source: DeptSourceKey,
  change: ChangeEvent,
  ctx: DeriveContext,
): LifeEvent[] {
  const at = change.occurredAt;
  const ids = change.idNumbers;
  const rec = (id: string) => ctx.records.get(id) ?? {};
  const ev = (id: string, kind: LifeEvent['kind'], subject: string, details: LifeEvent['details'] = {}) => ({
    idIndex: ctx.index(id),
    kind,
    at,
    source,
    subject,
    details,
  });
  switch (change.type) {
    case 'birth_registered':
    case 'birth_certificate_issued': {
      const baby = findBaby(ids, rec, at);
      if (!baby) return [];
      const babyIndex = ctx.index(baby.id);
      const parents = new Set([...ids.filter((id) => id !== baby.id), ...baby.parents]);
      return [
        ev(baby.id, 'birth', babyIndex, { gender: baby.gender }),
        ...[...parents].map((p) => ev(p, 'child_birth', babyIndex, { babyGender: baby.gender })),
      ];
    }
    case 'death_registered':
    case 'death_certified': {
      const deceased =
        ids.find(
          (id) =>
            rec(id).hukou?.deathDate ||
            rec(id).health?.deathCertificates.some((c) => c.deceased.idNumber === id),
        ) ?? ids[0];
      if (!deceased) return [];
      const head = rec(deceased).hukou?.householdHeadIdNumber;
      const family = new Set([...ids, ...(head ? [head] : [])]);
      family.delete(deceased);
      const relation = rec(deceased).hukou?.relationToHead ?? null;
      return [...family].map((id) =>
        ev(id, 'death_in_family', ctx.index(deceased), { deceasedRelationToHead: relation }),
      );
    }
    case 'enrolled':
    case 'graduated': {
      const kind = change.type === 'enrolled' ? 'school_entry' : 'graduation';
      return ids.flatMap((id) => {
        const list = rec(id).education?.enrolments ?? [];
        const hit =
          list.find((e) => (kind === 'school_entry' ? e.entryDate : e.graduationDate) === at) ??
          [...list].sort((a, b) => a.entryDate.localeCompare(b.entryDate)).at(-1);
        return hit ? [ev(id, kind, hit.stage, { stageName: hit.stageName, schoolName: hit.schoolName })] : [];
      });
    }
    case 'marriage_registered':
    case 'divorce_registered': {
      const kind = change.type === 'marriage_registered' ? 'marriage' : 'divorce';
      const wanted = kind === 'marriage' ? '结婚' : '离婚';
      return ids.flatMap((id) => {
        const regs = (rec(id).marriage?.registrations ?? []).filter((r) => r.kind === wanted);
        const hit = regs.find((r) => r.date === at) ?? regs.at(-1);
        return [ev(id, kind, hit?.recordId ?? at, { recordId: hit?.recordId ?? null })];
      });
    }
    case 'property_registered':
    case 'property_transferred':
      return ids.flatMap((id) => {
        const props = rec(id).property?.properties ?? [];
        const hit =
          props.find((p) => p.registrationDate === at) ??
          (change.type === 'property_registered' ? props.at(-1) : undefined);
        return hit
          ? [
              ev(id, 'home_purchase', hit.certificateNo, {
                certificateNo: hit.certificateNo,
                areaM2: hit.areaM2,
              }),
            ]
          : [];
      });
    default:
      return [];
  }
}

function findBaby(ids: readonly string[], rec: (id: string) => PulledRecords, at: string) {
  for (const id of ids) {
    const cert = rec(id).health?.birthCertificates.find((c) => c.baby.idNumber === id || c.birthDate === at);
    if (cert) {
      const parents = [cert.mother.idNumber, ...(cert.father ? [cert.father.idNumber] : [])];
      return { id: cert.baby.idNumber, gender: cert.baby.gender, parents };
    }
  }
  const byHukou = ids.find((id) => rec(id).hukou?.birthDate === at) ?? ids[0];
  if (!byHukou) return undefined;
  return { id: byHukou, gender: rec(byHukou).hukou?.gender ?? null, parents: [] as string[] };
}
