/**
 * The tamper-evident audit log (等保 level 3, GB/T 22239 8.1.4.3 / 8.1.5.4). Every login, failure,
 * lockout, permission change, personal-data reveal or export, admin action and case decision appends
 * one row: time, actor, action, object, result, IP, request id and masked details. Rows form an SM3
 * hash chain; checkpoints of the head are signed with SM2. Other contexts use only these exports.
 *
 * - Admin actions append inside their own transaction (`append(entry, tx)`), so a failed audit write
 *   fails the action (fail-closed, AUD-4).
 * - Other events (logins, reads) call `append(entry)`; concurrent calls share one transaction.
 * - A cron task calls `checkpoint(signer)` every few minutes; `npm run audit:verify`
 *   (`audit-verify-cli.ts`) checks the chain and names the first bad row.
 * - The audit admin reads through `list()`; nothing updates or deletes a row, except archiving:
 *   `AuditArchiver` (run by `housekeeping.audit-archive`) moves a prefix older than the retention
 *   period, ending at a signed checkpoint, to a file that verifies offline (`verifyAuditArchive`,
 *   `npm run audit:verify -- --archive <file>`); verification of the database then starts after it.
 */

export { auditMigrations } from './audit.migrations';
export { auditRoutes } from './audit.routes';
export type {
  AuditAppended,
  AuditBreakReason,
  AuditEntry,
  AuditHead,
  AuditRecord,
  AuditResult,
  AuditVerifyResult,
} from './audit.types';
export {
  AuditArchiver,
  type AuditArchiverOptions,
  type AuditArchiveStep,
  auditArchiveBoundary,
} from './audit-archive';
export {
  type ArchiveVerifyResult,
  archiveLines,
  verifyAuditArchive,
} from './audit-archive-file';
export {
  type AuditCheckpointRow,
  type AuditSigner,
  GENESIS_HASH,
  sm2KeyId,
  sm2Signer,
} from './audit-chain';
export { auditBeforeDisclosure } from './audit-first';
export {
  AuditEntryError,
  type AuditListQuery,
  AuditLog,
  type AuditLogOptions,
  type AuditPage,
} from './audit-log';
export { findPii, maskPii, type PiiFinding, type PiiKind } from './audit-pii';
export { type AuditedRoute, auditTrail } from './audit-trail';
export type { AuditVerifyOptions } from './audit-verify';
