import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import type { Tx } from '../platform/db/transaction';

/** Where an identity comes from: a platform staff sign in with, or a department's legacy OA. */
export type IdentityProvider = 'dingtalk' | 'wecom' | 'oa';

interface IdentityTables {
  staff_identities: {
    provider: string;
    external_id: string;
    union_id: string | null;
    staff_id: string;
    linked_at: number;
  };
  org_department_links: { provider: string; external_id: string; department_code: string };
}

const asTables = (db: Db | Tx) => db as unknown as Kysely<IdentityTables>;

/** Links between outside identities (DingTalk/WeCom user ids, OA accounts, departments) and ours. */
export class StaffIdentities {
  private readonly db: Kysely<IdentityTables>;

  constructor(db: Db) {
    this.db = asTables(db);
  }

  /** The staff member behind an outside user id (or a DingTalk unionid), if linked. */
  async staffOf(
    provider: IdentityProvider,
    externalId: string,
    unionId?: string,
  ): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('staff_identities')
      .select('staff_id')
      .where('provider', '=', provider)
      .where((eb) =>
        unionId
          ? eb.or([eb('external_id', '=', externalId), eb('union_id', '=', unionId)])
          : eb('external_id', '=', externalId),
      )
      .executeTakeFirst();
    return row?.staff_id;
  }

  async identitiesOf(staffId: string) {
    return this.db
      .selectFrom('staff_identities')
      .select(['provider', 'external_id', 'union_id', 'linked_at'])
      .where('staff_id', '=', staffId)
      .orderBy('provider')
      .execute();
  }

  async all(provider: IdentityProvider, tx?: Tx) {
    return (tx ? asTables(tx) : this.db)
      .selectFrom('staff_identities')
      .selectAll()
      .where('provider', '=', provider)
      .execute();
  }

  /** Links (or re-links) an outside identity to a staff member. */
  async link(
    tx: Tx,
    provider: IdentityProvider,
    externalId: string,
    staffId: string,
    unionId: string | null,
    now: number,
  ) {
    const t = asTables(tx);
    const changed = await t
      .updateTable('staff_identities')
      .set({ staff_id: staffId, union_id: unionId })
      .where('provider', '=', provider)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) {
      await t
        .insertInto('staff_identities')
        .values({ provider, external_id: externalId, union_id: unionId, staff_id: staffId, linked_at: now })
        .execute();
    }
  }

  async departmentLinks(provider: IdentityProvider, tx?: Tx): Promise<Map<string, string>> {
    const rows = await (tx ? asTables(tx) : this.db)
      .selectFrom('org_department_links')
      .select(['external_id', 'department_code'])
      .where('provider', '=', provider)
      .execute();
    return new Map(rows.map((r) => [r.external_id, r.department_code]));
  }

  async linkDepartment(tx: Tx, provider: IdentityProvider, externalId: string, code: string) {
    await asTables(tx)
      .insertInto('org_department_links')
      .values({ provider, external_id: externalId, department_code: code })
      .execute();
  }
}
