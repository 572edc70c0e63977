import type { Db } from '../platform/db/database';
import { inTransaction } from '../platform/db/transaction';
import { checkOrg, OrgDataError } from './org.check';
import type { OrgRepository } from './org.repository';
import type { OrgData, OrgDepartment, OrgStaff } from './org.types';
import type { IdentityProvider, StaffIdentities } from './staff-identities';

/** A department as DingTalk or WeCom lists it. */
export interface ExternalDepartment {
  id: string;
  name: string;
  parentId?: string;
  /** 部门负责人 (DingTalk dept_manager_userid_list, WeCom department_leader). */
  leaderUserIds: string[];
}

/** A member as DingTalk or WeCom lists it. */
export interface ExternalUser {
  userId: string;
  unionId?: string;
  name: string;
  departmentIds: string[];
}

export interface ExternalOrg {
  departments: ExternalDepartment[];
  users: ExternalUser[];
}

/** Where an org sync reads from: a platform's org API through its connector. */
export interface OrgSource {
  provider: Exclude<IdentityProvider, 'oa'>;
  fetch(): Promise<ExternalOrg>;
}

/** What a sync changed (or, dry, would change): the diff report of the issue (added, moved, left). */
export interface OrgSyncReport {
  provider: string;
  dryRun: boolean;
  at: string;
  departments: { added: string[]; renamed: string[]; moved: string[] };
  staff: {
    added: { staffId: string; name: string; departments: string[] }[];
    moved: { staffId: string; name: string; from: string[]; to: string[] }[];
    left: { staffId: string; name: string }[];
  };
  unchanged: number;
}

const safe = (id: string) => id.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 48);

/**
 * Brings the org directory in step with DingTalk's or WeCom's: departments (matched to ours through
 * their links, or by name the first time), members, leaders as 部门负责人. A member is linked to one
 * staff id for good (their identity row), so sign-in and sync agree on who they are. Roles given in
 * G-CRM (approver, supervisor, the 三员) survive: a membership that continues keeps its roles, a new
 * one starts as clerk, and memberships in departments this platform does not manage are left alone.
 * Members who left are deactivated, never deleted. One transaction; `dryRun` reports without writing.
 */
export class OrgSync {
  constructor(
    private readonly db: Db,
    private readonly repo: OrgRepository,
    private readonly identities: StaffIdentities,
    private readonly afterWrite: () => Promise<void> = async () => {},
  ) {}

  async run(source: OrgSource, options: { dryRun?: boolean; now?: number } = {}): Promise<OrgSyncReport> {
    const now = options.now ?? Date.now();
    const external = await source.fetch();
    const provider = source.provider;
    const report = await inTransaction(this.db, async (tx) => {
      const current = await this.repo.readAll(tx);
      const deptLinks = await this.identities.departmentLinks(provider, tx);
      const userLinks = new Map(
        (await this.identities.all(provider, tx)).map((r) => [r.external_id, r.staff_id] as const),
      );
      const plan = planSync(current, external, provider, deptLinks, userLinks);
      const problems = checkOrg(plan.data);
      if (problems.length > 0) throw new OrgDataError(problems);
      if (!options.dryRun) {
        await this.repo.replaceAll(tx, plan.data, now);
        for (const [externalId, code] of plan.newDepartmentLinks) {
          await this.identities.linkDepartment(tx, provider, externalId, code);
        }
        for (const link of plan.newUserLinks) {
          await this.identities.link(tx, provider, link.userId, link.staffId, link.unionId ?? null, now);
        }
      }
      return { ...plan.report, provider, dryRun: options.dryRun === true, at: new Date(now).toISOString() };
    });
    if (!options.dryRun) await this.afterWrite();
    return report;
  }
}

/** The directory after a sync, and what changed. Pure: tested without a database. */
export function planSync(
  current: { departments: OrgDepartment[]; staff: (OrgStaff & { active: boolean })[] },
  external: ExternalOrg,
  provider: string,
  deptLinks: ReadonlyMap<string, string>,
  userLinks: ReadonlyMap<string, string>,
) {
  const departments = new Map(current.departments.map((d) => [d.code, { ...d }]));
  const byName = new Map(current.departments.map((d) => [d.name, d.code]));
  const code = new Map<string, string>();
  const newDepartmentLinks = new Map<string, string>();
  for (const d of external.departments) {
    const known = deptLinks.get(d.id) ?? byName.get(d.name) ?? `${provider}-${safe(d.id)}`;
    code.set(d.id, known);
    if (!deptLinks.has(d.id)) newDepartmentLinks.set(d.id, known);
  }
  const managed = new Set(code.values());
  const report: Omit<OrgSyncReport, 'provider' | 'dryRun' | 'at'> = {
    departments: { added: [], renamed: [], moved: [] },
    staff: { added: [], moved: [], left: [] },
    unchanged: 0,
  };

  const staffOfUser = new Map<string, string>();
  const newUserLinks: { userId: string; unionId?: string; staffId: string }[] = [];
  for (const u of external.users) {
    const staffId = userLinks.get(u.userId) ?? `st-${provider}-${safe(u.userId)}`;
    staffOfUser.set(u.userId, staffId);
    if (!userLinks.has(u.userId)) newUserLinks.push({ userId: u.userId, unionId: u.unionId, staffId });
  }

  for (const d of external.departments) {
    const c = code.get(d.id)!;
    const parent = d.parentId ? code.get(d.parentId) : undefined;
    const head = d.leaderUserIds.map((id) => staffOfUser.get(id)).find((id) => id !== undefined);
    const existing = departments.get(c);
    if (!existing) {
      departments.set(c, { code: c, name: d.name, parent, head });
      report.departments.added.push(c);
      continue;
    }
    if (existing.name !== d.name) report.departments.renamed.push(c);
    // The top of the platform's tree is ours too (e.g. 临江市人民政府): it keeps its own parent.
    if (parent !== undefined && existing.parent !== parent) report.departments.moved.push(c);
    departments.set(c, {
      ...existing,
      name: d.name,
      parent: parent ?? existing.parent,
      head: head ?? existing.head,
    });
  }

  const staff = new Map<string, OrgStaff>();
  for (const s of current.staff)
    if (s.active) staff.set(s.id, { id: s.id, name: s.name, memberships: s.memberships });
  const leaders = new Map(external.departments.map((d) => [code.get(d.id)!, new Set(d.leaderUserIds)]));
  const present = new Set<string>();
  for (const u of external.users) {
    const staffId = staffOfUser.get(u.userId)!;
    present.add(staffId);
    const before = staff.get(staffId);
    const kept = (before?.memberships ?? []).filter((m) => !managed.has(m.department));
    const targets = [...new Set(u.departmentIds.map((id) => code.get(id)).filter((c): c is string => !!c))];
    const memberships = targets.map((department) => {
      const roles = new Set(before?.memberships.find((m) => m.department === department)?.roles ?? ['clerk']);
      if (leaders.get(department)?.has(u.userId)) roles.add('department-head');
      return { department, roles: [...roles] };
    });
    staff.set(staffId, { id: staffId, name: u.name, memberships: [...kept, ...memberships] });
    const from = (before?.memberships ?? [])
      .map((m) => m.department)
      .filter((d) => managed.has(d))
      .sort();
    const to = [...targets].sort();
    if (!before) report.staff.added.push({ staffId, name: u.name, departments: to });
    else if (from.join() !== to.join()) report.staff.moved.push({ staffId, name: u.name, from, to });
    else report.unchanged++;
  }
  // Linked to this platform before, absent now: left the organisation.
  for (const staffId of userLinks.values()) {
    if (present.has(staffId) || !staff.has(staffId)) continue;
    report.staff.left.push({ staffId, name: staff.get(staffId)!.name });
    staff.delete(staffId);
  }
  // A head who left heads nothing.
  for (const d of departments.values()) if (d.head && !staff.has(d.head)) delete d.head;

  const data: OrgData = {
    departments: [...departments.values()].map((d) => ({
      code: d.code,
      name: d.name,
      ...(d.parent ? { parent: d.parent } : {}),
      ...(d.head ? { head: d.head } : {}),
    })),
    staff: [...staff.values()],
  };
  return { data, report, newDepartmentLinks, newUserLinks };
}
