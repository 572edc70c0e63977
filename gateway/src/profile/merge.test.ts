import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { PROFILE_TABLE, type ProfileRow, profileFacts } from '../rules/profile-table';
import { mergeProfile, mergeProfiles } from './merge';
import { findPerson, openProfileHarness, type ProfileHarness } from './testing/harness';

let h: ProfileHarness;
beforeAll(async () => {
  h = await openProfileHarness();
});
afterAll(async () => h?.close());

const bornWithCertificate = (h: ProfileHarness) =>
  findPerson(
    h.population,
    (id) =>
      !!h.population.record('health', id)?.birthCertificates.some((c) => c.baby.idNumber === id) &&
      !!h.population.record('social-insurance', id),
  );

describe(`profile merge (${dialect})`, () => {
  it('merges all six sources with lineage per value and writes the citizen_profile row', async () => {
    const id = bornWithCertificate(h);
    const hukou = h.population.record('hukou', id)!;
    const si = h.population.record('social-insurance', id)!;
    const merged = await mergeProfile(h.deps, id);
    expect(merged.idIndex).toBe(h.idIndex.of(id));
    expect(merged.values.get('profile.birthDate')).toEqual({
      fact: 'profile.birthDate',
      value: hukou.birthDate,
      lineage: { source: 'hukou', sourceRecordId: hukou.householdId, observedAt: hukou.events.at(-1)!.date },
    });
    expect(merged.values.get('profile.socialInsurance.years')).toMatchObject({
      value: si.insurances[0]!.years,
      lineage: { source: 'social-insurance', observedAt: `${si.dataMonth}-01` },
    });
    expect(merged.conflicts).toEqual([]);

    const row = await h.database.db
      .selectFrom(PROFILE_TABLE)
      .selectAll()
      .where('id_index', '=', merged.idIndex)
      .executeTakeFirstOrThrow();
    expect(profileFacts(row as ProfileRow)).toMatchObject({
      profile: {
        birthDate: hukou.birthDate,
        gender: hukou.gender,
        householdRegion: hukou.regionCode,
        socialInsurance: { years: si.insurances[0]!.years },
      },
    });
    // 卫健 agrees on the birth date: its value is kept as overridden lineage.
    const values = await h.database.db
      .selectFrom('profile_values')
      .select(['source', 'status', 'value', 'source_record_id'])
      .where('id_index', '=', merged.idIndex)
      .where('fact', '=', 'profile.birthDate')
      .orderBy('source')
      .execute();
    expect(values).toEqual([
      {
        source: 'health',
        status: 'overridden',
        value: JSON.stringify(hukou.birthDate),
        source_record_id: expect.any(String),
      },
      {
        source: 'hukou',
        status: 'chosen',
        value: JSON.stringify(hukou.birthDate),
        source_record_id: hukou.householdId,
      },
    ]);
  });

  it('resolves a disagreement by priority (公安 > 卫健), records the conflict, and supersedes on re-merge', async () => {
    const id = findPerson(
      h.population,
      (x) =>
        !!h.population.record('health', x)?.birthCertificates.some((c) => c.baby.idNumber === x) &&
        x !== bornWithCertificate(h),
    );
    const health = h.sims.health.record(id)!;
    const cert = health.birthCertificates.find((c) => c.baby.idNumber === id)!;
    h.sims.health.putRecord(id, {
      ...health,
      birthCertificates: health.birthCertificates.map((c) =>
        c === cert ? { ...c, birthDate: '2001-01-01' } : c,
      ),
    });
    const merged = await mergeProfile(h.deps, id);
    const hukouDate = h.population.record('hukou', id)!.birthDate;
    expect(merged.values.get('profile.birthDate')?.value).toBe(hukouDate);
    expect(merged.conflicts).toEqual([
      {
        fact: 'profile.birthDate',
        chosen: 'hukou',
        candidates: [
          { source: 'hukou', value: hukouDate, observedAt: expect.any(String) },
          { source: 'health', value: '2001-01-01', observedAt: '2001-01-01' },
        ],
      },
    ]);
    const stored = await h.database.db
      .selectFrom('profile_conflicts')
      .selectAll()
      .where('id_index', '=', merged.idIndex)
      .execute();
    expect(stored.map((c) => [c.fact, c.chosen_source])).toEqual([['profile.birthDate', 'hukou']]);

    // Same state again: nothing new. 卫健 corrected: the old row is superseded, the conflict is gone.
    const count = async () =>
      (
        await h.database.db
          .selectFrom('profile_values')
          .select('id')
          .where('id_index', '=', merged.idIndex)
          .execute()
      ).length;
    const before = await count();
    await mergeProfile(h.deps, id);
    expect(await count()).toBe(before);
    h.sims.health.putRecord(id, health);
    expect((await mergeProfile(h.deps, id)).conflicts).toEqual([]);
    // 卫健's birth date and gender rows (both dated by the certificate) are re-recorded.
    expect(await count()).toBe(before + 2);
    expect(
      await h.database.db
        .selectFrom('profile_conflicts')
        .selectAll()
        .where('id_index', '=', merged.idIndex)
        .execute(),
    ).toEqual([]);
  });

  it('honours a configured priority (卫健 first for the birth date)', async () => {
    const id = bornWithCertificate(h);
    const priority = { 'profile.birthDate': ['health', 'hukou'] as const };
    const merged = await mergeProfile({ ...h.deps, priority: priority as never }, id);
    expect(merged.values.get('profile.birthDate')?.lineage.source).toBe('health');
    expect(merged.values.has('profile.gender')).toBe(false);
    await mergeProfile(h.deps, id);
  });

  it('pulls many persons with one batch call per source', async () => {
    const ids = [...h.population.persons(0, 120)].map((p) => p.idNumber);
    const before = h.sims.hukou.stats().byPath['/v1/persons/batch'] ?? 0;
    const merged = await mergeProfiles(h.deps, ids);
    expect(merged.size).toBe(120);
    expect((h.sims.hukou.stats().byPath['/v1/persons/batch'] ?? 0) - before).toBe(2);
    const married = ids.find((x) => h.population.record('marriage', x)?.maritalStatus === '已婚')!;
    expect(merged.get(married)!.values.get('profile.maritalStatus')?.lineage.source).toBe('marriage');
  });
});
