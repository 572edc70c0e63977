/**
 * The org directory (组织架构): departments in a tree, staff, and their roles per department. Other
 * contexts use only these exports.
 *
 * - The workflow engine resolves assignees (`role`, `department`, `departmentHead`, 督办) with a loaded
 *   {@link OrgDirectory}: synchronous, in memory, total over unknown codes.
 * - Identity derives data scopes (本部门 / 本部门及下级) from `isMember` and `descendantsOf`.
 * - Start-up seeds the demo org with {@link seedOrg}; an org sync from DingTalk/WeCom will write through
 *   {@link OrgRepository.replaceAll} / {@link OrgRepository.upsert} and then `reload()` the directory.
 */

export { staffIdentityRoutes } from './identity.routes';
export { checkOrg, OrgDataError, type OrgProblem } from './org.check';
export { orgMigrations } from './org.migrations';
export { type OrgChanges, type OrgRecords, OrgRepository, type OrgStaffRecord } from './org.repository';
export { orgAdminRoutes } from './org.routes';
export { seedOrg } from './org.seed';
export {
  compareRoles,
  ORG_ROLES,
  type OrgData,
  type OrgDepartment,
  type OrgMembership,
  type OrgRole,
  type OrgStaff,
} from './org.types';
export {
  type MembershipQuery,
  OrgDirectory,
  type OrgDirectoryOptions,
  type OrgStaffView,
} from './org-directory';
export { dingtalkOrgSource, wecomOrgSource } from './org-sources';
export {
  type ExternalDepartment,
  type ExternalOrg,
  type ExternalUser,
  type OrgSource,
  OrgSync,
  type OrgSyncReport,
  planSync,
} from './org-sync';
export { orgSyncMigrations } from './org-sync.migrations';
export { type IdentityProvider, StaffIdentities } from './staff-identities';
