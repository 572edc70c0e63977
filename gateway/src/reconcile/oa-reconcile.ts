import type { OaCase, OaConnector, OaStatus } from '@gcrm/connectors/oa';
import type { InboxService } from '../callbacks';
import type { Db } from '../platform/db/database';
import type { JobContext, JobDefinition, JobOutcome } from '../scheduler/job';
import { type BucketChecksum, bucketOf, entryOf, linkChecksums, RECONCILE_BUCKETS } from './checksum';
import { DriftRecorder } from './drift';

/**
 * OA reconciliation (issue 7): compares the OA documents our links expect with what each legacy OA
 * holds, repairs what a machine can and reports the rest.
 *
 * Cost: one grouped scan for our per-bucket checksums (`checksum.ts`), one checksum call to the OA
 * (generic protocol), then only the buckets whose checksums differ are compared row by row, each by
 * keyset pages in `external_id` order on both sides. A run with no drift reads no rows.
 *
 * OAs without `checksums`/`listBucket` (Weaver, Seeyon, Landray today): with `list()` the engine reads
 * the OA's whole listing once and folds the checksums itself; without `list()` every bucket is
 * compared, one `status` call per linked document (what `oa.poll` costs).
 *
 * Differences (drift kinds) and what is done:
 * - `oa.result_missed`: the OA decided (approved/rejected) but we never applied it → recorded in the
 *   inbox exactly as a callback (source `oa:<system>`, type `result`, key `<externalId>:<state>`)
 *   and processed: repaired.
 * - `oa.not_received`: an open link whose document the OA does not hold (never received or lost)
 *   → pushed again (idempotent per case) and the link moved to the new document: repaired.
 * - `oa.lost`: the OA no longer holds a document whose result we already applied → needs a person
 *   (pushing again would open a finished case anew in the OA).
 * - `oa.closed_in_oa`: withdrawn / ended in the OA without a result → needs a person.
 * - `oa.state`: any other disagreement (a state gone back to running, a different final state,
 *   a state the adapter cannot read) → needs a person.
 * What a person must settle is acknowledged on our side (`external_state` := the OA's state, or
 * `absent` for a missing document, which the checksums leave out), so it is reported once; documents the OA holds without a link of ours (pushes that wait for no result)
 * are counted (`unlinked`), not reported.
 */
export interface OaReconcileDeps {
  db: Db;
  /** The OA systems to reconcile (`OaSystems.systems.values()`). */
  systems: Iterable<{ id: string; connector: OaConnector }>;
  /** "The same path as a callback". */
  inbox: Pick<InboxService, 'receive' | 'process'>;
  /**
   * The case as it is pushed to this OA (the push sender's mapping), for re-pushes; `undefined` when
   * it cannot be built (the re-push then needs a person).
   */
  oaCase(system: string, link: { caseId: string; localId: string }): Promise<OaCase | undefined>;
  /** Rows per keyset page on both sides. Default 500. */
  pageSize?: number;
  now?: () => number;
}

/** The run context the engine needs (a {@link JobContext} is one). */
export type OaReconcileContext = Pick<JobContext, 'runId' | 'signal' | 'checkpoint' | 'progress'>;

interface OurRow {
  externalId: string;
  localId: string;
  caseId: string;
  state: string;
  externalState: string;
}

type Counts = Record<
  'buckets' | 'bucketsDiffering' | 'compared' | 'unlinked' | 'acknowledged' | 'failed',
  number
>;

const FINAL = new Set(['approved', 'rejected']);
/** `external_state` of a link whose missing document was handed to a person (outside the checksums). */
export const ABSENT = 'absent';
const STATE_ZH: Record<string, string> = {
  running: '办理中',
  approved: '已通过',
  rejected: '未通过',
  withdrawn: '已撤回',
  unknown: '状态不明',
};
const zh = (state: string) => STATE_ZH[state] ?? '状态不明';

/** One OA's side of the comparison: per-bucket checksums (or null: compare every bucket) and rows. */
interface OaSide {
  checksums(): Promise<BucketChecksum[] | null>;
  page(
    bucket: number,
    ours: OurRow[],
    cursor: string | undefined,
    limit: number,
  ): Promise<{ items: OaStatus[]; next?: string }>;
}

function oaSide(connector: OaConnector): OaSide {
  const { checksums, listBucket, list } = connector;
  if (checksums && listBucket) {
    return {
      checksums: () => checksums.call(connector, RECONCILE_BUCKETS),
      page: (bucket, _ours, cursor, limit) =>
        listBucket.call(connector, bucket, RECONCILE_BUCKETS, cursor, limit),
    };
  }
  if (list) {
    // The vendor's whole listing, read once and grouped by bucket.
    let grouped: Promise<Map<number, OaStatus[]>> | undefined;
    const load = () => {
      grouped ??= (async () => {
        const out = new Map<number, OaStatus[]>();
        let cursor: string | undefined;
        do {
          const page = await list.call(connector, cursor);
          for (const s of page.items) {
            const b = bucketOf(s.externalId);
            const slot = out.get(b) ?? [];
            slot.push(s);
            out.set(b, slot);
          }
          cursor = page.next;
        } while (cursor !== undefined);
        for (const slot of out.values()) slot.sort((a, b) => byteOrder(a.externalId, b.externalId));
        return out;
      })();
      return grouped;
    };
    return {
      async checksums() {
        const out = Array.from({ length: RECONCILE_BUCKETS }, () => ({ count: 0, xor: 0 }));
        for (const [b, items] of await load()) {
          for (const s of items) {
            out[b]!.count++;
            out[b]!.xor = (out[b]!.xor ^ entryOf(s.externalId, s.state)) >>> 0;
          }
        }
        return out;
      },
      async page(bucket, _ours, cursor) {
        const items = ((await load()).get(bucket) ?? []).filter(
          (s) => cursor === undefined || byteOrder(s.externalId, cursor) > 0,
        );
        return { items };
      },
    };
  }
  return {
    checksums: async () => null,
    async page(_bucket, ours) {
      const items: OaStatus[] = [];
      for (const row of ours) {
        const status = await connector.status(row.externalId);
        if (status.state !== 'unknown') items.push(status);
      }
      return { items };
    },
  };
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

async function ourPage(db: Db, kind: string, bucket: number, cursor: string | undefined, limit: number) {
  let q = db
    .selectFrom('integration_links')
    .select(['external_id', 'local_id', 'case_id', 'state', 'external_state'])
    .where('kind', '=', kind)
    .where('reconcile_bucket', '=', bucket);
  if (cursor !== undefined) q = q.where('external_id', '>', cursor);
  const rows = await q.orderBy('external_id').limit(limit).execute();
  return rows.map(
    (r): OurRow => ({
      externalId: r.external_id as string,
      localId: r.local_id as string,
      caseId: r.case_id as string,
      state: r.state as string,
      externalState: r.external_state as string,
    }),
  );
}

/**
 * Reconciles one OA system. Resumes from `ctx.checkpoint` (the next bucket to compare); when
 * `ctx.signal` aborts it finishes the buckets in hand and returns the checkpoint to resume from.
 * The outcome's counts hold `drift.<kind>`, `repaired`, `needsPerson` and the run's work
 * (`buckets`, `bucketsDiffering`, `compared`, `unlinked`, `acknowledged`, `failed`).
 */
export async function reconcileOaSystem(
  deps: OaReconcileDeps,
  system: { id: string; connector: OaConnector },
  ctx: OaReconcileContext,
): Promise<JobOutcome> {
  const { db } = deps;
  const kind = `oa:${system.id}`;
  const job = `reconcile.oa.${system.id}`;
  const pageSize = deps.pageSize ?? 500;
  const drift = new DriftRecorder(db, ctx.runId, job, deps.now);
  const counts: Counts = {
    buckets: 0,
    bucketsDiffering: 0,
    compared: 0,
    unlinked: 0,
    acknowledged: 0,
    failed: 0,
  };
  const side = oaSide(system.connector);
  const start = Math.min(Math.max(Number(ctx.checkpoint ?? 0) || 0, 0), RECONCILE_BUCKETS);

  const [ours, theirs] = await Promise.all([linkChecksums(db, kind), side.checksums()]);
  const todo: number[] = [];
  for (let b = start; b < RECONCILE_BUCKETS; b++) {
    counts.buckets++;
    const a = ours[b]!;
    const t = theirs?.[b];
    if (t && a.count === t.count && a.xor === t.xor) continue;
    todo.push(b);
  }
  counts.bucketsDiffering = todo.length;

  const acknowledge = (externalId: string, state: string) =>
    db
      .updateTable('integration_links')
      .set({ external_state: state })
      .where('kind', '=', kind)
      .where('external_id', '=', externalId)
      .execute();

  async function resultMissed(row: OurRow, status: OaStatus) {
    const received = await deps.inbox.receive({
      source: kind,
      eventType: 'result',
      dedupeKey: `${row.externalId}:${status.state}`,
      payload: {
        externalId: row.externalId,
        state: status.state,
        ...(status.opinion ? { opinion: status.opinion } : {}),
        ...(status.finishedAt ? { finishedAt: status.finishedAt } : {}),
        via: 'reconcile',
      },
    });
    const outcome =
      received.duplicate && received.status !== 'pending'
        ? received.status
        : await deps.inbox.process(received.id);
    if (outcome === 'retry' || outcome === 'skipped') {
      counts.failed++; // the inbox worker retries it; the next run looks again
      return;
    }
    // The handler wrote external_state; this also covers results applied before the column existed.
    await acknowledge(row.externalId, status.state);
    if (received.duplicate && outcome === 'done') {
      counts.acknowledged++;
      return;
    }
    await drift.add(
      outcome === 'done' || outcome === 'ignored'
        ? {
            kind: 'oa.result_missed',
            ref: row.localId,
            externalId: row.externalId,
            outcome: 'repaired',
            note: `OA 已办结（${zh(status.state)}）但结果未回传，已按回调补录并应用`,
          }
        : {
            kind: 'oa.result_missed',
            ref: row.localId,
            externalId: row.externalId,
            outcome: 'needs_person',
            note: `OA 已办结（${zh(status.state)}）但结果无法自动应用，请在回调收件箱中查看并处理`,
          },
    );
  }

  async function absent(row: OurRow) {
    if (row.state !== 'open') {
      await acknowledge(row.externalId, ABSENT);
      await drift.add({
        kind: 'oa.lost',
        ref: row.localId,
        externalId: row.externalId,
        outcome: 'needs_person',
        note: '本系统已办结的办件在 OA 中已不存在，请与 OA 管理员核实是否需要恢复',
      });
      return;
    }
    const c = await deps.oaCase(system.id, { caseId: row.caseId, localId: row.localId });
    if (!c) {
      await acknowledge(row.externalId, ABSENT);
      await drift.add({
        kind: 'oa.not_received',
        ref: row.localId,
        externalId: row.externalId,
        outcome: 'needs_person',
        note: 'OA 中没有该办件，且无法重新组装推送数据，请人工处理该环节',
      });
      return;
    }
    const { externalId } = await system.connector.push(c);
    if (externalId !== row.externalId) {
      await db
        .updateTable('integration_links')
        .set({
          external_id: externalId,
          reconcile_bucket: bucketOf(externalId),
          external_state: 'running',
          updated_at: (deps.now ?? Date.now)(),
        })
        .where('kind', '=', kind)
        .where('external_id', '=', row.externalId)
        .execute();
    }
    await drift.add({
      kind: 'oa.not_received',
      ref: row.localId,
      externalId,
      outcome: 'repaired',
      note: 'OA 中没有该办件（未收到或已丢失），已重新推送',
    });
  }

  async function disagree(row: OurRow, status: OaStatus) {
    const { state } = status;
    await acknowledge(row.externalId, state);
    const closed = row.externalState === 'running' && state === 'withdrawn';
    await drift.add({
      kind: closed ? 'oa.closed_in_oa' : 'oa.state',
      ref: row.localId,
      externalId: row.externalId,
      outcome: 'needs_person',
      note: closed
        ? '办件在 OA 中被撤回或直接终止，未回传办理结果，请核实后在本系统处理该环节'
        : `OA 中办件状态为「${zh(state)}」，与本系统记录的「${zh(row.externalState)}」不一致，请人工核实`,
    });
  }

  async function compare(row: OurRow | undefined, status: OaStatus | undefined) {
    if (!row) {
      counts.unlinked++;
      return;
    }
    counts.compared++;
    try {
      if (!status) return row.externalState === ABSENT ? undefined : await absent(row);
      if (status.state === row.externalState) return;
      if (FINAL.has(status.state) && !FINAL.has(row.externalState)) return await resultMissed(row, status);
      return await disagree(row, status);
    } catch {
      counts.failed++; // OA or inbox unavailable for this one: the next run finds it again
    }
  }

  async function bucket(b: number) {
    let cursor: string | undefined;
    for (;;) {
      const mine = await ourPage(db, kind, b, cursor, pageSize);
      const page = await side.page(b, mine, cursor, pageSize);
      // Compare up to the smaller last key of a full page; the rest comes with the next window.
      let hi: string | undefined;
      if (mine.length === pageSize) hi = mine[mine.length - 1]!.externalId;
      const lastTheirs = page.items[page.items.length - 1]?.externalId;
      if (
        page.next !== undefined &&
        lastTheirs !== undefined &&
        (hi === undefined || byteOrder(lastTheirs, hi) < 0)
      )
        hi = lastTheirs;
      const within = (id: string) => hi === undefined || byteOrder(id, hi) <= 0;
      const oa = new Map(page.items.filter((s) => within(s.externalId)).map((s) => [s.externalId, s]));
      for (const row of mine) {
        if (!within(row.externalId)) continue;
        await compare(row, oa.get(row.externalId));
        oa.delete(row.externalId);
      }
      for (const s of oa.values()) await compare(undefined, s);
      if (hi === undefined) return;
      cursor = hi;
    }
  }

  // Buckets one at a time: a re-push moves a link to another bucket, which must not be compared
  // half-way at that moment. The checkpoint is the next bucket to compare.
  let checkpoint: string | null = null;
  try {
    for (let i = 0; i < todo.length; i++) {
      if (ctx.signal.aborted) {
        checkpoint = String(todo[i]);
        break;
      }
      await bucket(todo[i]!);
      if (i % 64 === 63 && i + 1 < todo.length)
        await ctx.progress({ counts: { ...counts }, checkpoint: String(todo[i + 1]) });
    }
  } finally {
    await drift.flush();
  }
  return drift.outcome({ ...counts }, checkpoint);
}

/**
 * One job per OA system, `reconcile.oa.<system>` (title 「核对部门 OA 办件（<system>）」), each reporting its
 * drift through {@link DriftRecorder}. Register them with the scheduler and give each a schedule in
 * config/jobs.json.
 *
 * @example
 * for (const job of oaReconcileJob({ db, systems: oa.systems.values(), inbox, oaCase })) scheduler.register(job);
 */
export function oaReconcileJob(deps: OaReconcileDeps): JobDefinition[] {
  return [...deps.systems].map((system) => ({
    name: `reconcile.oa.${system.id}`,
    title: `核对部门 OA 办件（${system.id}）`,
    maxRunMs: 30 * 60_000,
    run: (ctx) => reconcileOaSystem(deps, system, ctx),
  }));
}
