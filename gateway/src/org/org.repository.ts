import type { Insertable, Kysely } from 'kysely';
import { type Db, isMysql } from '../platform/db/database';
import type { Tx } from '../platform/db/transaction';
import { compareRoles, type OrgData, type OrgDepartment, type OrgStaff } from './org.types';

export interface OrgDepartmentRow {
  code: string;
  name: string;
  parent_code: string | null;
  head_staff_id: string | null;
  updated_at: number;
}

export interface OrgStaffRow {
  id: string;
  name: string;
  /** 1 or 0. */
  active: number;
  updated_at: number;
}

export interface OrgMembershipRow {
  staff_id: string;
  department_code: string;
  role: string;
}

interface OrgTables {
  org_departments: OrgDepartmentRow;
  org_staff: OrgStaffRow;
  org_memberships: OrgMembershipRow;
}

/** A staff member as stored: inactive ones are kept (their ids are on old tasks) and hold no roles. */
export interface OrgStaffRecord extends OrgStaff {
  active: boolean;
}

/** The whole directory as stored, sorted by code / id (memberships by department, roles by rank). */
export interface OrgRecords {
  departments: OrgDepartment[];
  staff: OrgStaffRecord[];
}

/** What a write changed; all lists sorted. Nothing changed when every list is empty and counts are 0. */
export interface OrgChanges {
  departments: { added: string[]; updated: string[]; removed: string[] };
  /** `updated`: name changed, reactivated, or memberships changed. */
  staff: { added: string[]; updated: string[]; deactivated: string[] };
  memberships: { added: number; removed: number };
}

const asTables = (db: Db | Tx) => db as unknown as Kysely<OrgTables>;

// Rows per INSERT: well under SQLite's bound-variable limit and MySQL's packet size.
const CHUNK = 500;

/**
 * Queries of the org tables, written once for SQLite and MySQL. Writes diff against what is stored and
 * touch only rows that differ (so `updated_at` means "really changed"), and name every column they
 * write, so columns added by later migrations (SSO user ids) survive a seed or sync.
 */
export class OrgRepository {
  private readonly db: Kysely<OrgTables>;

  constructor(db: Db) {
    this.db = asTables(db);
  }

  /** The whole directory (thousands of rows at most), inactive staff included. */
  async readAll(tx?: Tx): Promise<OrgRecords> {
    return toRecords(await readRows(tx ? asTables(tx) : this.db, false));
  }

  /**
   * Inserts or updates the given departments and staff (reactivating staff) and replaces the
   * memberships of the given staff; everything else stays. For incremental org sync events.
   * References are not checked: the directory treats dangling ones as unknown.
   */
  upsert(tx: Tx, data: OrgData, now = Date.now()): Promise<OrgChanges> {
    return apply(asTables(tx), data, now, false);
  }

  /**
   * Makes the directory equal `data`: as {@link upsert}, and departments not in `data` are deleted,
   * staff not in `data` are deactivated (their memberships deleted). Writing the same data again
   * changes nothing.
   */
  replaceAll(tx: Tx, data: OrgData, now = Date.now()): Promise<OrgChanges> {
    return apply(asTables(tx), data, now, true);
  }

  /** Deactivates staff (left the organisation) and deletes their memberships; returns those that were active. */
  async deactivateStaff(tx: Tx, ids: readonly string[], now = Date.now()): Promise<string[]> {
    if (ids.length === 0) return [];
    const db = asTables(tx);
    const active: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const rows = await db
        .selectFrom('org_staff')
        .select('id')
        .where('id', 'in', chunk)
        .where('active', '=', 1)
        .execute();
      active.push(...rows.map((r) => r.id));
      await db.deleteFrom('org_memberships').where('staff_id', 'in', chunk).execute();
    }
    for (let i = 0; i < active.length; i += CHUNK) {
      await db
        .updateTable('org_staff')
        .set({ active: 0, updated_at: now })
        .where('id', 'in', active.slice(i, i + CHUNK))
        .execute();
    }
    return active.sort();
  }
}

interface Rows {
  departments: OrgDepartmentRow[];
  staff: OrgStaffRow[];
  memberships: OrgMembershipRow[];
}

/**
 * `lock` reads with FOR UPDATE on MySQL: a whole-table locking read also locks the gaps, so two
 * instances seeding at once run one after the other and the second sees the first's rows (a locking
 * read sees the latest commit). SQLite serialises writers itself.
 */
async function readRows(db: Kysely<OrgTables>, lock: boolean): Promise<Rows> {
  const forUpdate = lock && isMysql(db as unknown as Db);
  const departments = await db
    .selectFrom('org_departments')
    .select(['code', 'name', 'parent_code', 'head_staff_id', 'updated_at'])
    .$if(forUpdate, (q) => q.forUpdate())
    .execute();
  const staff = await db
    .selectFrom('org_staff')
    .select(['id', 'name', 'active', 'updated_at'])
    .$if(forUpdate, (q) => q.forUpdate())
    .execute();
  const memberships = await db
    .selectFrom('org_memberships')
    .select(['staff_id', 'department_code', 'role'])
    .$if(forUpdate, (q) => q.forUpdate())
    .execute();
  return {
    departments: departments.map((r) => ({ ...r, updated_at: Number(r.updated_at) })),
    staff: staff.map((r) => ({ ...r, active: Number(r.active), updated_at: Number(r.updated_at) })),
    memberships,
  };
}

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

function toRecords(rows: Rows): OrgRecords {
  const roles = new Map<string, Map<string, string[]>>();
  for (const m of rows.memberships) {
    const byDept = roles.get(m.staff_id) ?? new Map<string, string[]>();
    roles.set(m.staff_id, byDept);
    const list = byDept.get(m.department_code);
    if (list) list.push(m.role);
    else byDept.set(m.department_code, [m.role]);
  }
  return {
    departments: rows.departments
      .map(
        (r): OrgDepartment => ({
          code: r.code,
          name: r.name,
          ...(r.parent_code !== null && { parent: r.parent_code }),
          ...(r.head_staff_id !== null && { head: r.head_staff_id }),
        }),
      )
      .sort(byKey((d) => d.code)),
    staff: rows.staff
      .map(
        (r): OrgStaffRecord => ({
          id: r.id,
          name: r.name,
          active: r.active === 1,
          memberships: [...(roles.get(r.id) ?? [])]
            .map(([department, list]) => ({ department, roles: list.sort(compareRoles) }))
            .sort(byKey((m) => m.department)),
        }),
      )
      .sort(byKey((s) => s.id)),
  };
}

const tripleKey = (m: OrgMembershipRow) => `${m.staff_id}\u0000${m.department_code}\u0000${m.role}`;

async function apply(db: Kysely<OrgTables>, data: OrgData, now: number, replace: boolean) {
  const current = await readRows(db, true);
  const changes: OrgChanges = {
    departments: { added: [], updated: [], removed: [] },
    staff: { added: [], updated: [], deactivated: [] },
    memberships: { added: 0, removed: 0 },
  };
  // The last entry of a repeated code wins (a sync may repeat; the seed refuses repeats beforehand).
  const departments = new Map(data.departments.map((d) => [d.code, d]));
  const staff = new Map(data.staff.map((s) => [s.id, s]));

  const storedDepartments = new Map(current.departments.map((r) => [r.code, r]));
  const newDepartments: OrgDepartmentRow[] = [];
  for (const d of departments.values()) {
    const want = { name: d.name, parent_code: d.parent ?? null, head_staff_id: d.head ?? null };
    const row = storedDepartments.get(d.code);
    if (!row) {
      newDepartments.push({ code: d.code, ...want, updated_at: now });
      changes.departments.added.push(d.code);
    } else if (
      row.name !== want.name ||
      row.parent_code !== want.parent_code ||
      row.head_staff_id !== want.head_staff_id
    ) {
      await db
        .updateTable('org_departments')
        .set({ ...want, updated_at: now })
        .where('code', '=', d.code)
        .execute();
      changes.departments.updated.push(d.code);
    }
  }
  await insertAll(db, 'org_departments', newDepartments);
  if (replace) {
    const gone = current.departments.filter((r) => !departments.has(r.code)).map((r) => r.code);
    for (let i = 0; i < gone.length; i += CHUNK) {
      await db
        .deleteFrom('org_departments')
        .where('code', 'in', gone.slice(i, i + CHUNK))
        .execute();
    }
    changes.departments.removed = gone;
  }

  const wanted = new Map<string, OrgMembershipRow>();
  for (const s of staff.values()) {
    for (const m of s.memberships) {
      for (const role of m.roles) {
        const row = { staff_id: s.id, department_code: m.department, role };
        wanted.set(tripleKey(row), row);
      }
    }
  }
  const stored = new Map(
    current.memberships.filter((m) => replace || staff.has(m.staff_id)).map((m) => [tripleKey(m), m]),
  );
  const toAdd = [...wanted].filter(([key]) => !stored.has(key)).map(([, m]) => m);
  const toRemove = [...stored].filter(([key]) => !wanted.has(key)).map(([, m]) => m);
  const membershipsChanged = new Set([...toAdd, ...toRemove].map((m) => m.staff_id));

  const storedStaff = new Map(current.staff.map((r) => [r.id, r]));
  const newStaff: OrgStaffRow[] = [];
  for (const s of staff.values()) {
    const row = storedStaff.get(s.id);
    if (!row) {
      newStaff.push({ id: s.id, name: s.name, active: 1, updated_at: now });
      changes.staff.added.push(s.id);
    } else if (row.name !== s.name || row.active !== 1 || membershipsChanged.has(s.id)) {
      await db
        .updateTable('org_staff')
        .set({ name: s.name, active: 1, updated_at: now })
        .where('id', '=', s.id)
        .execute();
      changes.staff.updated.push(s.id);
    }
  }
  await insertAll(db, 'org_staff', newStaff);
  if (replace) {
    const leaving = current.staff.filter((r) => r.active === 1 && !staff.has(r.id)).map((r) => r.id);
    for (let i = 0; i < leaving.length; i += CHUNK) {
      await db
        .updateTable('org_staff')
        .set({ active: 0, updated_at: now })
        .where('id', 'in', leaving.slice(i, i + CHUNK))
        .execute();
    }
    changes.staff.deactivated = leaving;
  }

  for (const m of toRemove) {
    await db
      .deleteFrom('org_memberships')
      .where('staff_id', '=', m.staff_id)
      .where('department_code', '=', m.department_code)
      .where('role', '=', m.role)
      .execute();
  }
  await insertAll(db, 'org_memberships', toAdd);
  changes.memberships = { added: toAdd.length, removed: toRemove.length };

  for (const list of [...Object.values(changes.departments), ...Object.values(changes.staff)]) list.sort();
  return changes;
}

async function insertAll<T extends keyof OrgTables>(
  db: Kysely<OrgTables>,
  table: T,
  rows: Insertable<OrgTables[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK) as never)
      .execute();
  }
}
