/**
 * The port through which the gateway hands cases to a department's legacy OA and reads the result
 * (platforms.md §4). One adapter per vendor (Weaver, Seeyon, Landray) plus our generic REST/JSON design.
 *
 * Contract every adapter keeps:
 * - **Idempotent push.** Pushing the same {@link OaCase.caseId} again returns the first document's
 *   `externalId` and creates no second OA document. Adapters whose vendor has no idempotency look the
 *   case up first (by a field that carries our case number) and document the window that remains.
 * - **Typed failures.** Every rejection is an `OaError` (`errors.ts`) with `kind`
 *   `permanent` | `retryable` | `authExpired` | `rateLimited`. Adapters with a session re-login once on
 *   an expired session themselves; an `authExpired` that still escapes means the fresh login failed too.
 * - **No personal data in errors or logs.** Form values, names and tokens never appear in an error
 *   message; adapters log nothing.
 *
 * @packageDocumentation
 */

/** One case as an OA receives it. */
export interface OaCase {
  /** Our case id: the idempotency key of {@link OaConnector.push}. */
  caseId: string;
  /** Our human-readable case number (受理编号); adapters write it where a later lookup can find it. */
  caseNumber: string;
  title: string;
  serviceCode: string;
  /** The OA's template: Weaver `workflowId`, Seeyon `templateCode`, Landray `fdTemplateId`. */
  template: string;
  /** OA login name (or user id, see each adapter's config) of the acting account. */
  initiator: string;
  /** Main-form fields by the OA's field name. May hold personal data: never log. */
  fields: Record<string, string>;
  /** Detail (sub-)tables by the OA's table name. */
  details?: { table: string; rows: Record<string, string>[] }[];
  attachments?: { name: string; url: string }[];
}

/** Where a document stands in the OA. */
export type OaState = 'running' | 'approved' | 'rejected' | 'withdrawn' | 'unknown';

/**
 * A document's state as the OA reports it. `unknown` means the OA does not know the document (lost or
 * deleted: reconciliation must look) or reports a state the adapter cannot map; `raw` then says which.
 */
export interface OaStatus {
  externalId: string;
  state: OaState;
  /** ISO-8601, when the OA reports when the document finished. */
  finishedAt?: string;
  /** The deciding approver's opinion, when the OA reports it. */
  opinion?: string;
  /** The deciding approver (OA login name or display name, as the OA reports it). */
  approver?: string;
  /** The vendor's answer, for diagnosis only (may hold personal data: never log). */
  raw?: unknown;
}

/**
 * One bucket of a reconcile checksum: how many documents fall in the bucket and the XOR of
 * `CRC32(externalId + ':' + state)` over them (IEEE CRC-32 of the UTF-8 bytes, unsigned 32-bit).
 * A document's bucket is `CRC32(externalId) mod buckets`.
 */
export interface OaBucketChecksum {
  count: number;
  xor: number;
}

/** One OA as the gateway sees it. */
export interface OaConnector {
  /** `weaver` | `seeyon` | `landray` | `generic:<name>`: stable, used in logs and metrics. */
  readonly system: string;
  /** Create the OA document for `c` (idempotent per `caseId`) and return its id in the OA. */
  push(c: OaCase): Promise<{ externalId: string }>;
  /** The document's current state (polling). */
  status(externalId: string): Promise<OaStatus>;
  /** Pages through cases the OA holds for our integration (for reconciliation). */
  list?(cursor?: string): Promise<{ items: OaStatus[]; next?: string }>;
  /**
   * Optional (generic protocol): per-bucket checksums over every document the OA holds for our
   * integration, index = bucket (`CRC32(externalId) mod buckets`). Lets reconciliation skip unchanged
   * buckets without reading rows. Adapters without it are reconciled from {@link OaConnector.list}
   * or, lacking that too, by one {@link OaConnector.status} per document.
   */
  checksums?(buckets: number): Promise<OaBucketChecksum[]>;
  /**
   * Optional (generic protocol): the documents of one bucket in ascending `externalId` order (byte
   * order), a page at a time; `cursor` is the last `externalId` of the previous page.
   */
  listBucket?(
    bucket: number,
    buckets: number,
    cursor?: string,
    limit?: number,
  ): Promise<{ items: OaStatus[]; next?: string }>;
  /** True when the OA posts results to our callback by itself; otherwise the gateway polls `status`. */
  readonly pushesResults: boolean;
}
