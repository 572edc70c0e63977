import { BadRequest } from '../../core/simulator/sandbox';
import type { OaState } from '../port';

/** A document as an OA simulator stores it. */
export interface SimDocument {
  externalId: string;
  /** Subject / title as received. */
  subject: string;
  template: string;
  initiator: string;
  /** Our case number or case id when the request carried one (for lookups). */
  caseKey: string;
  state: OaState;
  createdAt: number;
  finishedAt?: number;
  opinion?: string;
  approver?: string;
  /** What the create request carried, decoded (for test assertions). */
  form: unknown;
}

/** A decision taken in the OA: `POST /__sandbox/documents/{id}/decide`. */
export interface SimDecision {
  result: 'approved' | 'rejected';
  opinion?: string;
  approver?: string;
}

/**
 * Drift for reconciliation tests, applied without any callback: `closed` ends the document directly in
 * the OA (default `withdrawn`), `lost` deletes it, `status` sets any state (even back to running).
 */
export type SimDrift =
  | { kind: 'closed'; state?: 'approved' | 'rejected' | 'withdrawn' }
  | { kind: 'lost' }
  | { kind: 'status'; state: OaState };

export interface DocumentStore {
  add(doc: Omit<SimDocument, 'createdAt' | 'state'>): SimDocument;
  get(externalId: string): SimDocument | undefined;
  all(): SimDocument[];
  /** Documents ever created per non-empty case key (lost/deleted ones included). */
  createdByKey(): Map<string, number>;
  /** Throws (any error) for an unknown or finished document. */
  decide(externalId: string, decision: SimDecision): SimDocument;
  /** Throws (any error) for an unknown document. */
  drift(externalId: string, drift: SimDrift): SimDocument | undefined;
}

const STATES: readonly OaState[] = ['running', 'approved', 'rejected', 'withdrawn', 'unknown'];

export function createDocumentStore(now: () => number): DocumentStore {
  const docs = new Map<string, SimDocument>();
  const created = new Map<string, number>();
  const known = (externalId: string): SimDocument => {
    const doc = docs.get(externalId);
    if (!doc) throw new Error('no such document');
    return doc;
  };
  return {
    add(input) {
      const doc: SimDocument = { ...input, state: 'running', createdAt: now() };
      docs.set(doc.externalId, doc);
      if (doc.caseKey !== '') created.set(doc.caseKey, (created.get(doc.caseKey) ?? 0) + 1);
      return doc;
    },
    createdByKey: () => new Map(created),
    get: (externalId) => docs.get(externalId),
    all: () => [...docs.values()],
    decide(externalId, decision) {
      const doc = known(externalId);
      if (doc.state !== 'running') throw new Error('document is already finished');
      doc.state = decision.result;
      doc.finishedAt = now();
      if (decision.opinion !== undefined) doc.opinion = decision.opinion;
      if (decision.approver !== undefined) doc.approver = decision.approver;
      return doc;
    },
    drift(externalId, drift) {
      const doc = known(externalId);
      if (drift.kind === 'lost') {
        docs.delete(externalId);
        return undefined;
      }
      doc.state = drift.kind === 'closed' ? (drift.state ?? 'withdrawn') : drift.state;
      if (doc.state === 'running') delete doc.finishedAt;
      else doc.finishedAt = now();
      return doc;
    },
  };
}

/** Validate `{result, opinion?, approver?}`; throws {@link BadRequest}. */
export function parseDecision(body: Record<string, unknown> | null): SimDecision {
  const { result, opinion, approver } = body ?? {};
  if (result !== 'approved' && result !== 'rejected')
    throw new BadRequest('result must be approved or rejected');
  const text = (value: unknown) => value === undefined || (typeof value === 'string' && value.length <= 2000);
  if (!text(opinion) || !text(approver)) throw new BadRequest('opinion and approver must be strings');
  return {
    result,
    ...(opinion === undefined ? {} : { opinion: opinion as string }),
    ...(approver === undefined ? {} : { approver: approver as string }),
  };
}

/** Validate `{kind, state?}`; throws {@link BadRequest}. */
export function parseDrift(body: Record<string, unknown> | null): SimDrift {
  const { kind, state } = body ?? {};
  if (kind === 'lost') return { kind };
  if (kind === 'closed') {
    if (state === undefined) return { kind };
    if (state === 'approved' || state === 'rejected' || state === 'withdrawn') return { kind, state };
    throw new BadRequest('state must be approved, rejected or withdrawn');
  }
  if (kind === 'status') {
    if (typeof state === 'string' && (STATES as readonly string[]).includes(state)) {
      return { kind, state: state as OaState };
    }
    throw new BadRequest(`state must be one of ${STATES.join(', ')}`);
  }
  throw new BadRequest('kind must be closed, lost or status');
}
