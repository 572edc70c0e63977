/** One entry of a source's change feed (`GET /v1/changes`). */
export interface ChangeEvent {
  /** Position in the feed, 1, 2, 3 … (gap-free, in recording order). */
  seq: number;
  /** The cursor that resumes right after this event. */
  cursor: string;
  /** One of the source's change types (see `DEPT_SOURCES[…].changeTypes`). */
  type: string;
  /** The persons the change concerns (pull their records for the new state). */
  idNumbers: string[];
  /** When it happened in the world, `YYYY-MM-DD`. */
  occurredAt: string;
  /** When the source recorded it (simulator clock), ISO 8601. */
  recordedAt: string;
  /** Type-specific details (e.g. the new record). */
  data: Record<string, unknown>;
}

/** One page of the feed. */
export interface ChangePage {
  changes: ChangeEvent[];
  /** Pass it back to continue; equals the request's cursor when nothing new arrived. */
  nextCursor: string;
  hasMore: boolean;
}
