import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { PROFILE_TABLE } from '../rules/profile-table';
import { lifeEventsOf } from './life-events';
import { mergeProfile, mergeProfiles } from './merge';
import { addMonths, retirementAgeOf, retirementApproaching } from './retirement';
import { syncChanges } from './sync';
import { findPerson, openProfileHarness, type ProfileHarness } from './testing/harness';

let h: ProfileHarness;
beforeAll(async () => {
  h = await openProfileHarness();
});
afterAll(async () => h?.close());

describe(`retirement approaching (${dialect})`, () => {
  it('applies the documented ages and clamps month ends', () => {
    expect(retirementAgeOf('男', null)).toBe(60);
    expect(retirementAgeOf('女', null)).toBe(55);
    expect(retirementAgeOf('女', 50)).toBe(50);
    expect(addMonths('1964-02-29', 12 * 60)).toBe('2024-02-29');
    expect(addMonths('1965-02-28', 3)).toBe('1965-05-28');
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28');
  });

  it('finds who reaches the age within 3 months, records the event once, and skips others', async () => {
    const man = findPerson(h.population, (id) => {
      const p = h.population.person(h.population.indexOf(id)!);
      return p.gender === '男' && !p.deathDate && p.birthDate < '1970-01-01';
    });
    const woman = findPerson(h.population, (id) => {
      const si = h.population.record('social-insurance', id);
      const hukou = h.population.record('hukou', id);
      return hukou?.gender === '女' && !hukou.deathDate && si?.retirementAge === 50;
    });
    await mergeProfiles(h.deps, [man, woman]);
    const manBirth = h.population.record('hukou', man)!.birthDate;
    const manAge = h.population.record('social-insurance', man)?.retirementAge ?? 60;
    const due = addMonths(manBirth, 12 * manAge);
    const today = addMonths(due, -2);
    const found = await retirementApproaching(h.database.db, today);
    expect(found).toContainEqual({ idIndex: h.idIndex.of(man), retirementAge: manAge, retirementDate: due });
    expect(found.some((f) => f.idIndex === h.idIndex.of(woman))).toBe(false);
    // Too early (4 months ahead) or already reached: not due.
    expect(
      (await retirementApproaching(h.database.db, addMonths(due, -4))).some(
        (f) => f.idIndex === h.idIndex.of(man),
      ),
    ).toBe(false);
    expect(
      (await retirementApproaching(h.database.db, due)).some((f) => f.idIndex === h.idIndex.of(man)),
    ).toBe(false);

    // The woman retires at 50 per 人社, not 55.
    const wBirth = h.population.record('hukou', woman)!.birthDate;
    const wDue = addMonths(wBirth, 12 * 50);
    expect(await retirementApproaching(h.database.db, addMonths(wDue, -1))).toContainEqual({
      idIndex: h.idIndex.of(woman),
      retirementAge: 50,
      retirementDate: wDue,
    });

    await retirementApproaching(h.database.db, today);
    const events = (await lifeEventsOf(h.database.db, h.idIndex.of(man))).filter(
      (e) => e.kind === 'retirement_approaching',
    );
    expect(events).toEqual([
      expect.objectContaining({ at: due, details: { retirementAge: manAge, noticeMonths: 3 } }),
    ]);
  });
});

describe(`no ID number in clear (${dialect})`, () => {
  it('stores none in any column of the profile tables', async () => {
    const ids = [...h.population.persons()].map((p) => p.idNumber);
    await mergeProfiles(h.deps, ids.slice(0, 100));
    const dead = findPerson(h.population, (id) => {
      const r = h.population.record('hukou', id);
      return !!r?.deathDate && r.householdHeadIdNumber !== id;
    });
    const deceased = h.population.record('hukou', dead)!;
    h.sims.hukou.emitChange({ type: 'death_registered', idNumbers: [dead], occurredAt: deceased.deathDate! });
    h.sims.marriage.emitChange({ type: 'record_updated', idNumbers: ids.slice(100, 110) });
    await syncChanges(h.deps);
    // Death in the family: the household head is told (by blind index only).
    expect(await lifeEventsOf(h.database.db, h.idIndex.of(deceased.householdHeadIdNumber))).toContainEqual(
      expect.objectContaining({ kind: 'death_in_family', at: deceased.deathDate, source: 'hukou' }),
    );
    await mergeProfile(h.deps, ids[0]!);

    const tables = [
      PROFILE_TABLE,
      'profile_values',
      'profile_conflicts',
      'profile_consents',
      'life_events',
      'profile_sync_cursors',
    ];
    let cells = 0;
    const all = new Set(ids);
    for (const table of tables) {
      for (const row of await h.database.db.selectFrom(table).selectAll().execute()) {
        for (const value of Object.values(row)) {
          cells++;
          const text = String(value);
          for (const m of text.match(/\d{17}[\dX]/g) ?? [])
            expect(all.has(m), `${table} holds an ID number`).toBe(false);
          expect(
            /\d{6}(19|20)\d{2}[01]\d[0-3]\d\d{3}[\dX]/.test(text),
            `${table} holds something like an ID number`,
          ).toBe(false);
        }
      }
    }
    expect(cells).toBeGreaterThan(1000);
    expect(await h.database.db.selectFrom('life_events').selectAll().execute()).not.toEqual([]);
  });
});
