/** Outcome of an audited action (GB/T 22239 8.1.4.3b: 事件是否成功). `denied`: refused by access control. */
export type AuditResult = 'success' | 'failure' | 'denied';

export const AUDIT_RESULTS: readonly AuditResult[] = ['success', 'failure', 'denied'];

/**
 * One audited event as a caller describes it. Never put clear personal data in any field: the PII
 * guard refuses (or masks) resident ID and mainland mobile numbers anywhere in the entry.
 */
export interface AuditEntry {
  /** Epoch ms; default: the time the row is written. */
  at?: number;
  /** `staff`, `citizen`, `admin`, `system`, `anonymous` (a failed login of an unknown account), … */
  actorType: string;
  /** Staff/citizen id; null for `anonymous`. Never a phone or ID number. */
  actorId: string | null;
  /** Dotted verb, e.g. `auth.login`, `auth.lockout`, `role.grant`, `pii.reveal`, `case.decide`. */
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  result: AuditResult;
  ip?: string | null;
  requestId?: string | null;
  /** Small JSON object (≤ 64 KiB as JSON): masked values and ids only. */
  details?: Record<string, unknown> | null;
}

/** A stored row, as read back (list) — what the audit admin sees. */
export interface AuditRecord {
  seq: number;
  id: string;
  at: number;
  actorType: string;
  actorId: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  result: AuditResult;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
  hash: string;
}

/** What an append returns: the row's place in the chain. */
export interface AuditAppended {
  seq: number;
  id: string;
  hash: string;
}

/** The chain head: the last seq written and its hash (seq 0 and the genesis hash when empty). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/**
 * Why verification stopped, by the first bad seq:
 * - `edited`: the row's fields no longer match its hash (or the row before it was re-hashed);
 * - `deleted`: the seq is missing (a gap, or the tail was cut below the head or a signed checkpoint);
 * - `inserted`: the row is not part of the chain (the next row links past it, or it lies beyond the head);
 * - `reordered`: the row links to a row stored after it (seqs swapped);
 * - `head_mismatch`: the last row's hash differs from the recorded head;
 * - `checkpoint_mismatch`: a signed checkpoint names another hash for this seq (history rewritten);
 * - `bad_signature`: a checkpoint's SM2 signature does not verify, or its key is unknown.
 */
export type AuditBreakReason =
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'head_mismatch'
  | 'checkpoint_mismatch'
  | 'bad_signature';

export interface AuditVerifyResult {
  ok: boolean;
  /** Rows whose hash was recomputed. */
  checked: number;
  /** Checkpoints compared with the chain (and whose signature was checked, see `signaturesChecked`). */
  checkpoints: number;
  /** False when no public keys were given: checkpoint hashes are compared, signatures are not. */
  signaturesChecked: boolean;
  head: AuditHead;
  /** Set when a prefix was archived: rows up to this seq live in archive files, checked offline. */
  archivedTo?: number;
  firstBad?: { seq: number; reason: AuditBreakReason; detail: string };
}
