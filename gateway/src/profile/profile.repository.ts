import { randomBytes } from 'node:crypto';
import type { DeptSourceKey } from '@gcrm/connectors/dept-data';
import type { Db } from '../platform/db/database';
import type { Tx } from '../platform/db/transaction';
import { PROFILE_COLUMNS, PROFILE_TABLE, toProfileRow } from '../rules/profile-table';
import type { FactValue } from './facts';
import type { MergedValue, ProfileConflict } from './priority';

/** One row of `profile_values` as the merge wants it to be. */
export interface ValueRow {
  fact: string;
  source: DeptSourceKey;
  /** Null for an excluded source (its value is not kept). */
  value: FactValue | null;
  status: 'chosen' | 'overridden' | 'excluded';
  reason: string | null;
  sourceRecordId: string | null;
  observedAt: string;
}

type Stored = ValueRow & { id: string };

const same = (a: ValueRow, b: ValueRow) =>
  JSON.stringify(a.value) === JSON.stringify(b.value) &&
  a.status === b.status &&
  a.reason === b.reason &&
  a.sourceRecordId === b.sourceRecordId &&
  a.observedAt === b.observedAt;

/** The current (not superseded) value rows of a person. */
export async function currentValues(tx: Db, idIndex: string): Promise<Stored[]> {
  const rows = await tx
    .selectFrom('profile_values')
    .selectAll()
    .where('id_index', '=', idIndex)
    .where('superseded', '=', 0)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    fact: r.fact,
    source: r.source,
    value: r.value == null ? null : (JSON.parse(r.value) as FactValue),
    status: r.status,
    reason: r.reason ?? null,
    sourceRecordId: r.source_record_id ?? null,
    observedAt: r.observed_at,
  }));
}

/**
 * Brings a person's value rows to `wanted`: identical rows stay, changed or vanished ones are marked
 * superseded (history), new ones are inserted. Returns the rows that were current before.
 */
export async function saveValues(tx: Tx, idIndex: string, wanted: readonly ValueRow[], now: number) {
  const before = await currentValues(tx, idIndex);
  const keep = new Set<string>();
  const inserts: Record<string, unknown>[] = [];
  for (const w of wanted) {
    const old = before.find((b) => b.fact === w.fact && b.source === w.source);
    if (old && same(old, w)) {
      keep.add(old.id);
      continue;
    }
    inserts.push({
      id: randomBytes(16).toString('hex'),
      id_index: idIndex,
      fact: w.fact,
      source: w.source,
      value: w.value === null ? null : JSON.stringify(w.value),
      status: w.status,
      reason: w.reason,
      source_record_id: w.sourceRecordId,
      observed_at: w.observedAt,
      superseded: 0,
      recorded_at: now,
    });
  }
  const gone = before.filter((b) => !keep.has(b.id)).map((b) => b.id);
  if (gone.length > 0)
    await tx.updateTable('profile_values').set({ superseded: 1 }).where('id', 'in', gone).execute();
  if (inserts.length > 0) await tx.insertInto('profile_values').values(inserts).execute();
  return before;
}

/** Replaces a person's open conflicts, keeping `detected_at` of those that did not change. */
export async function saveConflicts(
  tx: Tx,
  idIndex: string,
  conflicts: readonly ProfileConflict[],
  now: number,
) {
  const old = await tx.selectFrom('profile_conflicts').selectAll().where('id_index', '=', idIndex).execute();
  const rows = conflicts.map((c) => {
    const candidates = JSON.stringify(c.candidates);
    const prior = old.find(
      (o) => o.fact === c.fact && o.candidates === candidates && o.chosen_source === c.chosen,
    );
    return {
      id_index: idIndex,
      fact: c.fact,
      chosen_source: c.chosen,
      candidates,
      detected_at: prior ? Number(prior.detected_at) : now,
    };
  });
  await tx.deleteFrom('profile_conflicts').where('id_index', '=', idIndex).execute();
  if (rows.length > 0) await tx.insertInto('profile_conflicts').values(rows).execute();
}

/** Writes the flattened `citizen_profile` row the rules' SQL targeting reads (missing facts → NULL). */
export async function saveProfileRow(
  tx: Tx,
  idIndex: string,
  values: ReadonlyMap<string, MergedValue>,
  now: number,
): Promise<void> {
  const row: Record<string, unknown> = { id_index: idIndex, updated_at: now };
  for (const { fact, column } of PROFILE_COLUMNS) row[column] = values.get(fact)?.value ?? null;
  const data = toProfileRow(row as { id_index: string });
  const exists = await tx
    .selectFrom(PROFILE_TABLE)
    .select('id_index')
    .where('id_index', '=', idIndex)
    .executeTakeFirst();
  if (exists) {
    const { id_index: _key, ...rest } = data;
    await tx.updateTable(PROFILE_TABLE).set(rest).where('id_index', '=', idIndex).execute();
  } else {
    await tx.insertInto(PROFILE_TABLE).values(data).execute();
  }
}
