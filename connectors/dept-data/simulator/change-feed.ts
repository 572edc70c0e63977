import type { ChangeEvent, ChangePage } from '../changes';

export type { ChangeEvent, ChangePage };

const PREFIX = 'c1.';

export function encodeCursor(seq: number): string {
  return Buffer.from(`${PREFIX}${seq}`).toString('base64url');
}

/** The seq a cursor resumes after; `''` is the start (0); undefined when it is no cursor of ours. */
export function decodeCursor(cursor: string): number | undefined {
  if (cursor === '') return 0;
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX) || !/^\d{1,15}$/.test(text.slice(PREFIX.length))) return undefined;
  return Number(text.slice(PREFIX.length));
}

export interface ChangeFeed {
  append(change: Omit<ChangeEvent, 'seq' | 'cursor' | 'recordedAt'>): ChangeEvent;
  /** A page after `cursor`, or undefined for a bad cursor (unknown shape or beyond the last event). */
  page(cursor: string, limit: number): ChangePage | undefined;
  all(): ChangeEvent[];
}

export function createChangeFeed(now: () => number): ChangeFeed {
  const events: ChangeEvent[] = [];
  return {
    append(change) {
      const seq = events.length + 1;
      const event: ChangeEvent = {
        seq,
        cursor: encodeCursor(seq),
        type: change.type,
        idNumbers: [...change.idNumbers],
        occurredAt: change.occurredAt,
        recordedAt: new Date(now()).toISOString(),
        data: change.data,
      };
      events.push(event);
      return event;
    },
    page(cursor, limit) {
      const after = decodeCursor(cursor);
      if (after === undefined || after > events.length) return undefined;
      const changes = events.slice(after, after + limit);
      const last = changes.at(-1);
      return {
        changes,
        nextCursor: last ? last.cursor : cursor === '' ? encodeCursor(0) : cursor,
        hasMore: after + changes.length < events.length,
      };
    },
    all: () => [...events],
  };
}
