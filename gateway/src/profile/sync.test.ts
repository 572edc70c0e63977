import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { lifeEventsOf } from './life-events';
import { FEED_SOURCES, resetCursor, syncChanges } from './sync';
import { findPerson, openProfileHarness, type ProfileHarness } from './testing/harness';

let h: ProfileHarness;
beforeAll(async () => {
  h = await openProfileHarness();
});
afterAll(async () => h?.close());

const count = async (table: string) => (await h.database.db.selectFrom(table).selectAll().execute()).length;

describe(`change feed sync and life events (${dialect})`, () => {
  let baby: string;
  let mother: string;
  let father: string;
  let bride: string;
  let groom: string;

  beforeAll(() => {
    baby = findPerson(
      h.population,
      (id) =>
        !!h.population
          .record('health', id)
          ?.birthCertificates.some((c) => c.baby.idNumber === id && c.father),
    );
    const cert = h.population
      .record('health', baby)!
      .birthCertificates.find((c) => c.baby.idNumber === baby)!;
    mother = cert.mother.idNumber;
    father = cert.father!.idNumber;
    groom = findPerson(
      h.population,
      (id) => h.population.record('marriage', id)?.maritalStatus === '已婚' && id !== father,
    );
    const wedding = h.population.record('marriage', groom)!.registrations.find((r) => r.kind === '结婚')!;
    bride = wedding.partyA.idNumber === groom ? wedding.partyB.idNumber : wedding.partyA.idNumber;

    // 卫健 and 公安 both report the birth; 民政 the marriage.
    h.sims.health.emitChange({
      type: 'birth_certificate_issued',
      idNumbers: [baby, mother],
      occurredAt: cert.birthDate,
    });
    h.sims.hukou.emitChange({ type: 'birth_registered', idNumbers: [baby], occurredAt: cert.birthDate });
    h.sims.marriage.emitChange({
      type: 'marriage_registered',
      idNumbers: [groom, bride],
      occurredAt: wedding.date,
    });
  });

  it('re-merges the named persons and records a birth and a marriage, each once', async () => {
    const report = await syncChanges(h.deps, { pageSize: 1 });
    expect(report.changes).toEqual({ hukou: 1, marriage: 1, health: 1, education: 0, property: 0 });
    const birth = h.population.record('hukou', baby)!.birthDate;
    expect(await lifeEventsOf(h.database.db, h.idIndex.of(baby))).toEqual([
      { idIndex: h.idIndex.of(baby), kind: 'birth', at: birth, source: 'hukou', details: expect.any(Object) },
    ]);
    for (const parent of [mother, father]) {
      expect(
        (await lifeEventsOf(h.database.db, h.idIndex.of(parent))).map((e) => [e.kind, e.at]),
      ).toContainEqual(['child_birth', birth]);
    }
    const wedding = h.population.record('marriage', groom)!.registrations.find((r) => r.kind === '结婚')!;
    for (const spouse of [groom, bride]) {
      expect(await lifeEventsOf(h.database.db, h.idIndex.of(spouse))).toContainEqual({
        idIndex: h.idIndex.of(spouse),
        kind: 'marriage',
        at: wedding.date,
        source: 'marriage',
        details: { recordId: wedding.recordId },
      });
    }
    expect(report.events).toHaveLength(5);
    // The merged profile of a person named in a change is stored.
    const row = await h.database.db
      .selectFrom('citizen_profile')
      .selectAll()
      .where('id_index', '=', h.idIndex.of(groom))
      .executeTakeFirstOrThrow();
    expect(row.marital_status).toBe('已婚');
  });

  it('resumes from the stored cursor: only new changes are read', async () => {
    const again = await syncChanges(h.deps);
    expect(again.changes).toEqual({ hukou: 0, marriage: 0, health: 0, education: 0, property: 0 });
    expect(again.events).toEqual([]);

    const owner = findPerson(
      h.population,
      (id) => (h.population.record('property', id)?.properties.length ?? 0) > 0,
    );
    const reg = h.population.record('property', owner)!.properties[0]!;
    h.sims.property.emitChange({
      type: 'property_registered',
      idNumbers: [owner],
      occurredAt: reg.registrationDate,
    });
    const next = await syncChanges(h.deps);
    expect(next.changes).toEqual({ hukou: 0, marriage: 0, health: 0, education: 0, property: 1 });
    expect(next.events.map((e) => [e.kind, e.idIndex, e.at])).toEqual([
      ['home_purchase', h.idIndex.of(owner), reg.registrationDate],
    ]);
  });

  it('is idempotent: replaying every feed from the start records nothing twice', async () => {
    const events = await count('life_events');
    const values = await count('profile_values');
    for (const s of FEED_SOURCES) await resetCursor(h.database.db, s);
    const replay = await syncChanges(h.deps);
    expect(replay.changes).toEqual({ hukou: 1, marriage: 1, health: 1, education: 0, property: 1 });
    expect(replay.events).toEqual([]);
    expect(await count('life_events')).toBe(events);
    expect(await count('profile_values')).toBe(values);
  });

  it('restarts a feed whose stored cursor the source rejects (40005)', async () => {
    await h.database.db
      .updateTable('profile_sync_cursors')
      .set({ cursor: 'not-a-cursor' })
      .where('source', '=', 'hukou')
      .execute();
    const report = await syncChanges(h.deps, { sources: ['hukou'] });
    expect(report.changes).toEqual({ hukou: 1 });
    expect(report.events).toEqual([]);
  });
});
