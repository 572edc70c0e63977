import type { OrgRecords, OrgRepository, OrgStaffRecord } from './org.repository';
import { compareRoles, type OrgData, type OrgDepartment } from './org.types';

/** A staff member as the directory hands them out: frozen, memberships in known departments only. */
export interface OrgStaffView {
  readonly id: string;
  readonly name: string;
  /** Sorted by department code; roles ordered as in `ORG_ROLES`. */
  readonly memberships: readonly { readonly department: string; readonly roles: readonly string[] }[];
}

export interface OrgDirectoryOptions {
  /**
   * Code of the supervision office (督查室 / 效能办): where {@link OrgDirectory.supervisorsOf} looks when
   * no department up the tree has a supervisor. Unset: no fallback.
   */
  supervisionOffice?: string;
}

export interface MembershipQuery {
  /** Also a member when in any department below `dept` (data scope 本部门及下级). Default false. */
  includeChildren?: boolean;
}

const EMPTY: readonly string[] = Object.freeze([]);

/** The indexes of one load; replaced whole by a reload, never changed in place (but for the cache). */
interface Snapshot {
  departments: Map<string, Readonly<OrgDepartment>>;
  children: Map<string, readonly string[]>;
  /** Active staff only. */
  staff: Map<string, OrgStaffView>;
  /** department → role → staff ids (sorted). */
  holders: Map<string, Map<string, readonly string[]>>;
  members: Map<string, readonly string[]>;
  /** staff → department → roles. */
  roles: Map<string, Map<string, readonly string[]>>;
  allRoles: Map<string, readonly string[]>;
  departmentsOf: Map<string, readonly string[]>;
  /** Filled on first use per department. */
  descendants: Map<string, readonly string[]>;
}

/**
 * An in-memory snapshot of the org directory for synchronous look-ups on hot paths: the workflow
 * engine resolves assignees with it on every task, and data scopes check membership with it on every
 * request. Load it once, then {@link reload} when the directory changed (after a seed or an org sync).
 *
 * Every look-up is total: unknown department codes, staff ids or roles give `undefined` or an empty
 * list, never an exception. Inactive staff are invisible (they hold no roles and head nothing).
 * Lists are frozen and sorted by code point of the code or id, so they are stable across reloads and
 * instances; roles are ordered as in `ORG_ROLES`.
 *
 * @example
 * const org = await OrgDirectory.load(new OrgRepository(db), { supervisionOffice: 'zwfw-dcs' });
 * org.withRole('zwfw-spk', 'approver'); // ['s-wang', 's-wu']
 * org.headOf('zwfw-spk', 2);            // the head of 政务服务管理办公室, the parent of 审批科
 * org.isMember(staffId, 'zwfw', { includeChildren: true }); // data scope 本部门及下级
 */
export class OrgDirectory {
  private constructor(
    private snapshot: Snapshot,
    private readonly options: OrgDirectoryOptions,
    private readonly repository?: OrgRepository,
  ) {}

  /** Loads the directory from the database. */
  static async load(repository: OrgRepository, options: OrgDirectoryOptions = {}): Promise<OrgDirectory> {
    return new OrgDirectory(build(await repository.readAll()), options, repository);
  }

  /** A directory over in-memory data (every staff member active); for tests and previews. It cannot reload. */
  static of(data: OrgData, options: OrgDirectoryOptions = {}): OrgDirectory {
    const staff = data.staff.map((s) => ({ ...s, active: true }));
    return new OrgDirectory(build({ departments: data.departments, staff }), options);
  }

  /** Reads the directory again and swaps it in at once; on failure the previous snapshot stays. */
  async reload(): Promise<void> {
    if (!this.repository) throw new Error('OrgDirectory.of(…) has no repository to reload from');
    this.snapshot = build(await this.repository.readAll());
  }

  /** The department with this code. */
  department(code: string): Readonly<OrgDepartment> | undefined {
    return this.snapshot.departments.get(code);
  }

  /** An active staff member with their memberships in known departments; undefined when unknown or inactive. */
  staff(id: string): OrgStaffView | undefined {
    return this.snapshot.staff.get(id);
  }

  /** Staff ids with any role in the department itself (not below it). */
  membersOf(dept: string): readonly string[] {
    return this.snapshot.members.get(dept) ?? EMPTY;
  }

  /** Staff ids holding `role` in the department itself (not below it). */
  withRole(dept: string, role: string): readonly string[] {
    return this.snapshot.holders.get(dept)?.get(role) ?? EMPTY;
  }

  /**
   * The head of the department (`level` 1), of its parent (2), of the parent's parent (3), …
   * Undefined when that level has no head (none set, or the head is inactive): it does not skip to the
   * next level up, because "the head of the parent" is a different person from "the nearest head"
   * (flows choose `whenNoAssignee` for the gap). Also undefined when the tree is not that deep, the
   * code is unknown, or `level` is not a positive integer.
   */
  headOf(dept: string, level = 1): string | undefined {
    if (!Number.isInteger(level) || level < 1) return undefined;
    const chain = this.ancestry(dept);
    const head = chain[level - 1]?.head;
    return head !== undefined && this.snapshot.staff.has(head) ? head : undefined;
  }

  /** Codes of the departments where the staff member holds any role. */
  departmentsOf(staffId: string): readonly string[] {
    return this.snapshot.departmentsOf.get(staffId) ?? EMPTY;
  }

  /** The staff member's roles in `dept`, or in any department when `dept` is omitted. */
  rolesOf(staffId: string, dept?: string): readonly string[] {
    if (dept === undefined) return this.snapshot.allRoles.get(staffId) ?? EMPTY;
    return this.snapshot.roles.get(staffId)?.get(dept) ?? EMPTY;
  }

  /** Active staff holding `role` in any department, sorted (e.g. the 系统管理员 who get drift reports). */
  holdersOf(role: string): readonly string[] {
    const ids = [...this.snapshot.allRoles].filter(([, roles]) => roles.includes(role)).map(([id]) => id);
    return freeze(ids.sort());
  }

  /** Whether the staff member holds `role` in `dept`, or in any department when `dept` is omitted. */
  hasRole(staffId: string, role: string, dept?: string): boolean {
    return this.rolesOf(staffId, dept).includes(role);
  }

  /**
   * The department and every department below it, depth first, children by code: the department
   * set of the data scope 本部门及下级. Empty for an unknown code.
   */
  descendantsOf(dept: string): readonly string[] {
    const { departments, children, descendants } = this.snapshot;
    const cached = descendants.get(dept);
    if (cached) return cached;
    if (!departments.has(dept)) return EMPTY;
    const seen = new Set<string>();
    const visit = (code: string) => {
      if (seen.has(code)) return; // a cycle stored by an unchecked sync
      seen.add(code);
      for (const child of children.get(code) ?? EMPTY) visit(child);
    };
    visit(dept);
    const list = Object.freeze([...seen]);
    descendants.set(dept, list);
    return list;
  }

  /** Whether the staff member holds any role in `dept` (or, with `includeChildren`, in any department below it). */
  isMember(staffId: string, dept: string, query: MembershipQuery = {}): boolean {
    const byDept = this.snapshot.roles.get(staffId);
    if (!byDept) return false;
    if (byDept.has(dept)) return true;
    if (!query.includeChildren) return false;
    for (const own of byDept.keys()) {
      if (this.ancestry(own).some((d) => d.code === dept)) return true;
    }
    return false;
  }

  /**
   * Who supervises work of the department (督办): the holders of `supervisor` in the department itself
   * or the nearest department above it that has any; when none up to the root has one, every holder of
   * `supervisor` in the supervision office or below it (see {@link OrgDirectoryOptions}). Empty for an
   * unknown code or when there is no supervisor at all.
   */
  supervisorsOf(dept: string): readonly string[] {
    const chain = this.ancestry(dept);
    for (const d of chain) {
      const found = this.withRole(d.code, 'supervisor');
      if (found.length > 0) return found;
    }
    const office = this.options.supervisionOffice;
    if (office === undefined || chain.length === 0) return EMPTY;
    const ids = new Set(this.descendantsOf(office).flatMap((d) => this.withRole(d, 'supervisor')));
    return Object.freeze([...ids].sort());
  }

  /** The directory as data (active staff only), sorted: for export and for comparing two directories. */
  toData(): OrgData {
    const { departments, staff } = this.snapshot;
    return {
      departments: [...departments.values()].map((d) => ({ ...d })),
      staff: [...staff.values()].map((s) => ({
        id: s.id,
        name: s.name,
        memberships: s.memberships.map((m) => ({ department: m.department, roles: [...m.roles] })),
      })),
    };
  }

  /** The department, its parent, …, up to a root (or an unknown parent, or a cycle). */
  private ancestry(dept: string): Readonly<OrgDepartment>[] {
    const chain: Readonly<OrgDepartment>[] = [];
    const seen = new Set<string>();
    for (let d = this.snapshot.departments.get(dept); d && !seen.has(d.code); ) {
      seen.add(d.code);
      chain.push(d);
      d = d.parent === undefined ? undefined : this.snapshot.departments.get(d.parent);
    }
    return chain;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function build(records: OrgRecords): Snapshot {
  const departments = new Map<string, Readonly<OrgDepartment>>();
  for (const d of [...records.departments].sort((a, b) => compare(a.code, b.code))) {
    departments.set(
      d.code,
      Object.freeze({
        code: d.code,
        name: d.name,
        ...(d.parent !== undefined && { parent: d.parent }),
        ...(d.head !== undefined && { head: d.head }),
      }),
    );
  }
  const children = new Map<string, string[]>();
  for (const d of departments.values()) {
    if (d.parent === undefined || !departments.has(d.parent)) continue;
    const list = children.get(d.parent);
    if (list) list.push(d.code);
    else children.set(d.parent, [d.code]);
  }

  // The last record of a repeated id wins, as in the repository's writes.
  const byId = new Map(records.staff.filter((s: OrgStaffRecord) => s.active).map((s) => [s.id, s]));
  const active = [...byId.values()].sort((a, b) => compare(a.id, b.id));
  const staff = new Map<string, OrgStaffView>();
  const roles = new Map<string, Map<string, readonly string[]>>();
  const allRoles = new Map<string, readonly string[]>();
  const departmentsOf = new Map<string, readonly string[]>();
  const holders = new Map<string, Map<string, string[]>>();
  const members = new Map<string, string[]>();
  for (const s of active) {
    const byDept = new Map<string, Set<string>>();
    for (const m of s.memberships) {
      if (!departments.has(m.department)) continue;
      const set = byDept.get(m.department) ?? new Set();
      for (const role of m.roles) set.add(role);
      if (set.size > 0) byDept.set(m.department, set);
    }
    const memberships = [...byDept]
      .sort(([a], [b]) => compare(a, b))
      .map(([department, set]) => Object.freeze({ department, roles: freeze([...set].sort(compareRoles)) }));
    staff.set(s.id, Object.freeze({ id: s.id, name: s.name, memberships: freeze(memberships) }));
    if (memberships.length === 0) continue;
    roles.set(s.id, new Map(memberships.map((m) => [m.department, m.roles])));
    departmentsOf.set(s.id, freeze(memberships.map((m) => m.department)));
    allRoles.set(s.id, freeze([...new Set(memberships.flatMap((m) => m.roles))].sort(compareRoles)));
    for (const m of memberships) {
      push(members, m.department, s.id);
      const byRole = holders.get(m.department) ?? new Map<string, string[]>();
      holders.set(m.department, byRole);
      for (const role of m.roles) push(byRole, role, s.id);
    }
  }
  // Staff were visited in id order, so every list of ids is already sorted.
  return {
    departments,
    children: freezeValues(children),
    staff,
    holders: new Map([...holders].map(([d, byRole]) => [d, freezeValues(byRole)])),
    members: freezeValues(members),
    roles,
    allRoles,
    departmentsOf,
    descendants: new Map(),
  };
}

function push(map: Map<string, string[]>, key: string, value: string) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const freeze = <T>(list: T[]): readonly T[] => Object.freeze(list);

const freezeValues = (map: Map<string, string[]>): Map<string, readonly string[]> =>
  new Map([...map].map(([k, v]) => [k, freeze(v)]));
