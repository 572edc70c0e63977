import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import type { Migrations } from '../platform/db/migrate';
import { tableEnd } from '../platform/db/migrate';
import { bucketOf } from '../reconcile/checksum';
import { oaReconcileMigrations } from '../reconcile/oa-migrations';

/**
 * What an outside system knows our work by: a DingTalk approval instance for a task, an OA document
 * for an automatic step. Inbound events name the outside id; the link names our task or step.
 */
export type LinkKind = 'dingtalk.approval' | 'dingtalk.todo' | `oa:${string}`;

export interface IntegrationLink {
  kind: LinkKind;
  externalId: string;
  /** Our task id (approvals) or node-instance id (OA steps). */
  localId: string;
  caseId: string;
  /**
   * `open` until settled: `applied` when the outside system's result was applied here, `closed` when
   * our side settled it (decided in our pages, or the result was already there).
   */
  state: 'open' | 'closed' | 'applied';
  createdAt: number;
  updatedAt: number;
}

export const integrationMigrations: Migrations = {
  '2026112795_integration_links': {
    async up(db) {
      await db.schema
        .createTable('integration_links')
        .addColumn('kind', 'varchar(64)', (c) => c.notNull())
        .addColumn('external_id', 'varchar(128)', (c) => c.notNull())
        .addColumn('local_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('case_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('integration_links_pk', ['kind', 'external_id'])
        .modifyEnd(tableEnd(db))
        .execute();
      await db.schema
        .createIndex('integration_links_local')
        .on('integration_links')
        .columns(['kind', 'local_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('integration_links_open')
        .on('integration_links')
        .columns(['kind', 'state', 'updated_at'])
        .execute();
    },
  },
  // OA reconciliation columns (external_state, reconcile_bucket) that `record` writes.
  ...oaReconcileMigrations,
};

interface LinkRow {
  kind: string;
  external_id: string;
  local_id: string;
  case_id: string;
  state: string;
  created_at: number | string;
  updated_at: number | string;
}

const toLink = (r: LinkRow): IntegrationLink => ({
  kind: r.kind as LinkKind,
  externalId: r.external_id,
  localId: r.local_id,
  caseId: r.case_id,
  state: r.state === 'closed' || r.state === 'applied' ? r.state : 'open',
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The links table. Writes are idempotent: a repeated `record` of the same pair is a no-op. */
export class IntegrationLinks {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records (kind, externalId) → localId; an existing link for either side is kept as it is. */
  async record(kind: LinkKind, externalId: string, localId: string, caseId: string): Promise<void> {
    const at = this.now();
    try {
      await this.db
        .insertInto('integration_links')
        .values({
          kind,
          external_id: externalId,
          local_id: localId,
          case_id: caseId,
          state: 'open',
          // OA reconciliation (reconcile/oa-migrations.ts): the document starts running.
          external_state: 'running',
          reconcile_bucket: bucketOf(externalId),
          created_at: at,
          updated_at: at,
        })
        .execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  async byExternal(kind: LinkKind, externalId: string): Promise<IntegrationLink | undefined> {
    const row = await this.db
      .selectFrom('integration_links')
      .selectAll()
      .where('kind', '=', kind)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row ? toLink(row as LinkRow) : undefined;
  }

  async byLocal(kind: LinkKind, localId: string): Promise<IntegrationLink | undefined> {
    const row = await this.db
      .selectFrom('integration_links')
      .selectAll()
      .where('kind', '=', kind)
      .where('local_id', '=', localId)
      .executeTakeFirst();
    return row ? toLink(row as LinkRow) : undefined;
  }

  /** `externalState`: the OA's final state when its result settled the link (for reconciliation). */
  async close(
    kind: LinkKind,
    externalId: string,
    state: 'closed' | 'applied' = 'closed',
    externalState?: string,
  ): Promise<void> {
    await this.db
      .updateTable('integration_links')
      .set({
        state,
        updated_at: this.now(),
        ...(externalState === undefined ? {} : { external_state: externalState }),
      })
      .where('kind', '=', kind)
      .where('external_id', '=', externalId)
      .execute();
  }

  /** Open links of a kind, oldest first, after `(updatedAt, externalId)` (keyset pages). */
  async open(kind: LinkKind, limit: number, after?: { updatedAt: number; externalId: string }) {
    let q = this.db
      .selectFrom('integration_links')
      .selectAll()
      .where('kind', '=', kind)
      .where('state', '=', 'open');
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('updated_at', '>', after.updatedAt),
          eb.and([eb('updated_at', '=', after.updatedAt), eb('external_id', '>', after.externalId)]),
        ]),
      );
    }
    const rows = await q.orderBy('updated_at').orderBy('external_id').limit(limit).execute();
    return (rows as LinkRow[]).map(toLink);
  }
}
