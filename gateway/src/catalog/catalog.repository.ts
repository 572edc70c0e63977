import type { FormDefinition, ServiceDefinition } from '@gcrm/config/catalog';
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import type { Tx } from '../platform/db/transaction';

interface CatalogTables {
  catalog_forms: {
    form_id: string;
    version: number;
    definition: string;
    checksum: string;
    published_at: number;
    published_by: string;
  };
  catalog_services: {
    code: string;
    version: number;
    definition: string;
    checksum: string;
    published_at: number;
    published_by: string;
  };
  catalog_current: { code: string; version: number; updated_at: number };
}

const t = (db: Db | Tx) => db as unknown as Kysely<CatalogTables>;

export class CatalogRepository {
  constructor(private readonly db: Db) {}

  /** The services citizens see now, with every form version any service version ever used. */
  async loadCurrent(): Promise<{ services: ServiceDefinition[]; forms: FormDefinition[]; revision: number }> {
    const services = await t(this.db)
      .selectFrom('catalog_current')
      .innerJoin('catalog_services', (j) =>
        j
          .onRef('catalog_services.code', '=', 'catalog_current.code')
          .onRef('catalog_services.version', '=', 'catalog_current.version'),
      )
      .select(['catalog_services.definition'])
      .execute();
    const forms = await t(this.db).selectFrom('catalog_forms').select('definition').execute();
    return {
      services: services.map((r) => JSON.parse(r.definition) as ServiceDefinition),
      forms: forms.map((r) => JSON.parse(r.definition) as FormDefinition),
      revision: await this.revision(),
    };
  }

  /** Changes whenever a publish moves any service: other instances poll it to reload. */
  async revision(): Promise<number> {
    const row = await t(this.db)
      .selectFrom('catalog_current')
      .select((eb) => [eb.fn.max('updated_at').as('rev'), eb.fn.countAll().as('n')])
      .executeTakeFirst();
    return Number(row?.rev ?? 0) * 1000 + Number(row?.n ?? 0);
  }

  async formChecksum(tx: Tx, id: string, version: number) {
    const row = await t(tx)
      .selectFrom('catalog_forms')
      .select('checksum')
      .where('form_id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
    return row?.checksum;
  }

  async serviceChecksum(tx: Tx, code: string, version: number) {
    const row = await t(tx)
      .selectFrom('catalog_services')
      .select('checksum')
      .where('code', '=', code)
      .where('version', '=', version)
      .executeTakeFirst();
    return row?.checksum;
  }

  async latestForm(tx: Tx | Db, id: string): Promise<FormDefinition | undefined> {
    const row = await t(tx)
      .selectFrom('catalog_forms')
      .select('definition')
      .where('form_id', '=', id)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? (JSON.parse(row.definition) as FormDefinition) : undefined;
  }

  async formExists(tx: Tx, id: string, version: number): Promise<boolean> {
    return (await this.formChecksum(tx, id, version)) !== undefined;
  }

  async insertForm(tx: Tx, form: FormDefinition, checksum: string, by: string, now: number) {
    await t(tx)
      .insertInto('catalog_forms')
      .values({
        form_id: form.id,
        version: form.version,
        definition: JSON.stringify(form),
        checksum,
        published_at: now,
        published_by: by,
      })
      .execute();
  }

  async insertService(tx: Tx, service: ServiceDefinition, checksum: string, by: string, now: number) {
    await t(tx)
      .insertInto('catalog_services')
      .values({
        code: service.code,
        version: service.version,
        definition: JSON.stringify(service),
        checksum,
        published_at: now,
        published_by: by,
      })
      .execute();
  }

  async currentVersion(tx: Tx, code: string): Promise<number | undefined> {
    const row = await t(tx)
      .selectFrom('catalog_current')
      .select('version')
      .where('code', '=', code)
      .executeTakeFirst();
    return row?.version;
  }

  async setCurrent(tx: Tx, code: string, version: number, now: number) {
    const updated = await t(tx)
      .updateTable('catalog_current')
      .set({ version, updated_at: now })
      .where('code', '=', code)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0)
      await t(tx).insertInto('catalog_current').values({ code, version, updated_at: now }).execute();
  }

  async versions(code: string) {
    return t(this.db)
      .selectFrom('catalog_services')
      .select(['version', 'published_at', 'published_by'])
      .where('code', '=', code)
      .orderBy('version', 'desc')
      .execute();
  }
}
