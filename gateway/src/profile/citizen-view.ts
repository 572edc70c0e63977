import { type DeptSourceKey, maskIdNumber } from '@gcrm/connectors/dept-data';
import type { ColumnIndex } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import { regionText } from '../rules/labels';
import { FACT_LABELS, type FactValue, SOURCE_LABELS } from './facts';
import { currentValues } from './profile.repository';

/** One line of what the profile holds. */
export interface CitizenViewItem {
  fact: string;
  label: string;
  value: string;
  source: DeptSourceKey;
  sourceLabel: string;
  observedAt: string;
  /** e.g. `出生日期：1990-03-07 · 来源：公安户籍 · 1990-03-20` */
  text: string;
}

/** What the citizen sees: their masked ID number, the values with their origin, and what was left out. */
export interface CitizenProfileView {
  /** e.g. `110***********123X` */
  idNumber: string;
  items: CitizenViewItem[];
  /** Sources not used, e.g. `民政婚姻登记 · 已撤回授权（2026-11-27），相关信息未使用` */
  excluded: string[];
  /** Facts where sources disagreed, e.g. `出生日期：公安户籍 与 卫健… 记录不一致，采用公安户籍` */
  conflicts: string[];
}

const FACT_ORDER = [...FACT_LABELS.keys()];

function display(fact: string, value: FactValue): string {
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (fact === 'profile.socialInsurance.years') return `${value}年`;
  if (fact === 'profile.childrenCount') return `${value}人`;
  if (fact === 'profile.retirementAge') return `${value}周岁`;
  if (fact === 'profile.householdRegion') return regionText(String(value));
  return String(value);
}

/**
 * The profile as its citizen reads it (zh-CN): each held value with its source and date, the sources
 * left out by a revoked consent, and the disagreements between sources. The ID number is masked.
 */
export async function citizenProfileView(
  db: Db,
  idIndex: ColumnIndex,
  idNumber: string,
): Promise<CitizenProfileView> {
  const key = idIndex.of(idNumber);
  const rows = await currentValues(db, key);
  const items = rows
    .filter((r) => r.status === 'chosen' && r.value !== null)
    .sort((a, b) => FACT_ORDER.indexOf(a.fact) - FACT_ORDER.indexOf(b.fact))
    .map((r) => {
      const label = FACT_LABELS.get(r.fact) ?? r.fact;
      const value = display(r.fact, r.value as FactValue);
      const sourceLabel = SOURCE_LABELS[r.source];
      return {
        fact: r.fact,
        label,
        value,
        source: r.source,
        sourceLabel,
        observedAt: r.observedAt,
        text: `${label}：${value} · 来源：${sourceLabel} · ${r.observedAt}`,
      };
    });
  const excludedSources = new Map<DeptSourceKey, string>();
  for (const r of rows) if (r.status === 'excluded') excludedSources.set(r.source, r.observedAt);
  const excluded = [...excludedSources].map(
    ([source, at]) => `${SOURCE_LABELS[source]} · 已撤回授权（${at}），相关信息未使用`,
  );
  const conflictRows = await db
    .selectFrom('profile_conflicts')
    .selectAll()
    .where('id_index', '=', key)
    .execute();
  const conflicts = conflictRows.map((c) => {
    const sources = (JSON.parse(c.candidates) as { source: DeptSourceKey }[]).map(
      (x) => SOURCE_LABELS[x.source],
    );
    const label = FACT_LABELS.get(c.fact) ?? c.fact;
    return `${label}：${sources.join(' 与 ')} 记录不一致，采用${SOURCE_LABELS[c.chosen_source as DeptSourceKey]}`;
  });
  return { idNumber: maskIdNumber(idNumber), items, excluded, conflicts };
}
