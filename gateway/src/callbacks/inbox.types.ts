/**
 * `pending`: to be handled (now or after `next_attempt_at`); `done`: the handler succeeded;
 * `ignored`: no handler for its source and type; `dead`: a permanent failure or out of attempts
 * (visible to admins, who may retry it).
 */
export type InboxStatus = 'pending' | 'done' | 'ignored' | 'dead';

export const INBOX_STATUSES: readonly InboxStatus[] = ['pending', 'done', 'ignored', 'dead'];

export interface InboxRow {
  id: string;
  source: string;
  dedupe_key: string;
  event_type: string;
  /** The decrypted event as JSON. */
  payload: string;
  status: InboxStatus;
  attempts: number;
  next_attempt_at: number;
  /** The claim token of the run holding the lease, if any. */
  lease_owner: string | null;
  /** Epoch ms; 0 when no run holds it. */
  lease_until: number;
  /** An error class or a handler's reason code: never a message (it may hold personal data). */
  last_error: string | null;
  received_at: number;
  processed_at: number | null;
}

export interface InboxTables {
  callback_inbox: InboxRow;
}

/** An event to record, as a route or the Stream consumer decoded it. */
export interface InboxInput {
  /** `wecom`, `dingtalk`, `wechat`, `oa:<system>`. */
  source: string;
  /** The platform's event type (`bpms_task_change`, `template_card_event`, `result`, …). */
  eventType: string;
  /** The platform's event id or the codec's dedupe key: unique per event within the source. */
  dedupeKey: string;
  payload: Record<string, unknown>;
}

/** What admins see of an event: no payload and no dedupe key (both may carry personal identifiers). */
export interface InboxEventView {
  id: string;
  source: string;
  eventType: string;
  status: InboxStatus;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  nextAttemptAt: string | null;
  processedAt: string | null;
}

export function presentInboxRow(row: InboxRow): InboxEventView {
  return {
    id: row.id,
    source: row.source,
    eventType: row.event_type,
    status: row.status,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    receivedAt: new Date(Number(row.received_at)).toISOString(),
    nextAttemptAt: row.status === 'pending' ? new Date(Number(row.next_attempt_at)).toISOString() : null,
    processedAt: row.processed_at === null ? null : new Date(Number(row.processed_at)).toISOString(),
  };
}
