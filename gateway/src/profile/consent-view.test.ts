import { maskIdNumber } from '@gcrm/connectors/dept-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { citizenProfileView } from './citizen-view';
import { consentSet, setConsent } from './consent';
import { mergeProfile } from './merge';
import { findPerson, openProfileHarness, type ProfileHarness } from './testing/harness';

let h: ProfileHarness;
beforeAll(async () => {
  h = await openProfileHarness();
});
afterAll(async () => h?.close());

const T_REVOKE = Date.parse('2026-11-20T02:00:00Z');

describe(`consent and purpose (${dialect})`, () => {
  it('canUse: usable without a record, not after a revocation, again after a new grant', () => {
    const set = consentSet([{ source: 'marriage', purpose: 'prefill', grantedAt: null, revokedAt: 5 }]);
    expect(set.canUse('marriage', 'prefill')).toBe(false);
    expect(set.revokedAt('marriage', 'prefill')).toBe(5);
    expect(set.canUse('marriage', 'eligibility')).toBe(true);
    expect(set.canUse('hukou', 'prefill')).toBe(true);
  });

  it('excludes a revoked source from the merge, and its lineage says why', async () => {
    const id = findPerson(h.population, (x) => h.population.record('marriage', x)?.maritalStatus === '已婚');
    const idIndex = h.idIndex.of(id);
    expect((await mergeProfile(h.deps, id)).values.get('profile.maritalStatus')?.value).toBe('已婚');

    await setConsent(h.database.db, idIndex, 'marriage', 'eligibility', true, T_REVOKE);
    const merged = await mergeProfile(h.deps, id);
    expect(merged.excluded).toEqual([{ source: 'marriage', reason: 'consent_revoked', revokedAt: T_REVOKE }]);
    expect(merged.values.has('profile.maritalStatus')).toBe(false);
    const rows = await h.database.db
      .selectFrom('profile_values')
      .select(['fact', 'value', 'status', 'reason', 'observed_at'])
      .where('id_index', '=', idIndex)
      .where('source', '=', 'marriage')
      .where('superseded', '=', 0)
      .orderBy('fact')
      .execute();
    expect(rows).toEqual([
      {
        fact: 'profile.maritalStatus',
        value: null,
        status: 'excluded',
        reason: 'consent_revoked',
        observed_at: '2026-11-20',
      },
      {
        fact: 'profile.marriageDate',
        value: null,
        status: 'excluded',
        reason: 'consent_revoked',
        observed_at: '2026-11-20',
      },
    ]);
    const row = await h.database.db
      .selectFrom('citizen_profile')
      .selectAll()
      .where('id_index', '=', idIndex)
      .executeTakeFirstOrThrow();
    expect(row.marital_status).toBeNull();
    expect(row.marriage_date).toBeNull();
    // Another purpose still may use it; a new grant restores it.
    expect((await mergeProfile(h.deps, id, 'prefill')).values.get('profile.maritalStatus')?.value).toBe(
      '已婚',
    );
    await setConsent(h.database.db, idIndex, 'marriage', 'eligibility', false, T_REVOKE + 1);
    expect((await mergeProfile(h.deps, id)).excluded).toEqual([]);
  });

  it('shows the citizen what the profile holds, with source and date, in zh-CN, ID masked', async () => {
    const id = findPerson(
      h.population,
      (x) => !!h.population.record('social-insurance', x) && !h.population.record('marriage', x),
    );
    const hukou = h.population.record('hukou', id)!;
    const si = h.population.record('social-insurance', id)!;
    await setConsent(h.database.db, h.idIndex.of(id), 'property', 'eligibility', true, T_REVOKE);
    await mergeProfile(h.deps, id);
    const view = await citizenProfileView(h.database.db, h.idIndex, id);
    expect(view.idNumber).toBe(maskIdNumber(id));
    expect(view.idNumber).not.toContain(id.slice(6, 14));
    const at = hukou.events.at(-1)!.date;
    expect(view.items[0]).toEqual({
      fact: 'profile.birthDate',
      label: '出生日期',
      value: hukou.birthDate,
      source: 'hukou',
      sourceLabel: '公安户籍',
      observedAt: at,
      text: `出生日期：${hukou.birthDate} · 来源：公安户籍 · ${at}`,
    });
    const texts = view.items.map((i) => i.text);
    expect(texts).toContain(`性别：${hukou.gender} · 来源：公安户籍 · ${at}`);
    expect(texts).toContain(`婚姻状况：未婚 · 来源：民政婚姻登记 · 2026-11-27`);
    expect(texts).toContain(
      `社保缴费年限：${si.insurances[0]!.years}年 · 来源：人社社保 · ${si.dataMonth}-01`,
    );
    expect(texts.some((t) => t.startsWith('名下有住房'))).toBe(false);
    expect(view.excluded).toEqual(['不动产登记 · 已撤回授权（2026-11-20），相关信息未使用']);
    expect(view.conflicts).toEqual([]);
  });
});
