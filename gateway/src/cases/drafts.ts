import type { Kysely } from 'kysely';
import type { CatalogService } from '../catalog';
import { migrateFormData } from '../catalog';
import type { Db } from '../platform/db/database';
import { errors } from '../platform/errors';
import type { FormPii } from './form-pii';

interface DraftTables {
  case_drafts: {
    citizen_id: string;
    service_code: string;
    form_id: string;
    form_version: number;
    channel: string;
    form_data: string;
    updated_at: number;
  };
}

const MAX_DRAFTS = 50;

/**
 * Drafts (草稿): a citizen saves an unfinished application and continues later, on any channel.
 * A draft keeps the form version it was saved under; when the service has moved to a newer form
 * version, reading the draft carries its data over with the declared migrations.
 */
export class DraftsService {
  private readonly db: Kysely<DraftTables>;
  constructor(
    db: Db,
    private readonly catalog: CatalogService,
    private readonly pii: FormPii,
  ) {
    this.db = db as Kysely<DraftTables>;
  }

  async save(
    citizenId: string,
    serviceCode: string,
    formData: Record<string, unknown>,
    channel: string,
    now = Date.now(),
  ) {
    const service = this.catalog.get(serviceCode);
    if (!service) throw errors.notFound('service_not_found', '该事项不存在或未发布');
    const stored = await this.raw(citizenId, serviceCode);
    const form = service.form;
    // A masked ID or phone number sent back unchanged keeps the full value saved before.
    const data = form.unmask(formData, stored ? this.stored(stored) : {});
    const place = { table: 'case_drafts', rowId: `${citizenId}:${serviceCode}` };
    const row = {
      citizen_id: citizenId,
      service_code: serviceCode,
      form_id: form.form.id,
      form_version: form.form.version,
      channel,
      form_data: JSON.stringify(this.pii.seal(place, form, data)),
      updated_at: now,
    };
    if (stored) {
      await this.db
        .updateTable('case_drafts')
        .set(row)
        .where('citizen_id', '=', citizenId)
        .where('service_code', '=', serviceCode)
        .execute();
    } else {
      const count = await this.db
        .selectFrom('case_drafts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('citizen_id', '=', citizenId)
        .executeTakeFirst();
      if (Number(count?.n ?? 0) >= MAX_DRAFTS)
        throw errors.conflict('draft_limit', `草稿最多保存 ${MAX_DRAFTS} 份，请先提交或删除旧的草稿`);
      await this.db.insertInto('case_drafts').values(row).execute();
    }
    return this.present(row);
  }

  /** The draft, migrated to the service's current form version when it was saved under an older one. */
  async get(citizenId: string, serviceCode: string) {
    const row = await this.raw(citizenId, serviceCode);
    if (!row) throw errors.notFound('draft_not_found', '没有该事项的草稿');
    return this.present(row);
  }

  /** The full (unmasked) values of a draft, for the submit path only. */
  async values(citizenId: string, serviceCode: string): Promise<Record<string, unknown>> {
    const row = await this.raw(citizenId, serviceCode);
    return row ? this.migrated(row).data : {};
  }

  async list(citizenId: string) {
    const rows = await this.db
      .selectFrom('case_drafts')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .orderBy('updated_at', 'desc')
      .execute();
    return rows.map((r) => ({
      serviceCode: r.service_code,
      serviceName: this.catalog.get(r.service_code)?.definition.name ?? r.service_code,
      channel: r.channel,
      updatedAt: new Date(Number(r.updated_at)).toISOString(),
    }));
  }

  /** Every draft with its values in clear (the citizen's data export). */
  async exportAll(citizenId: string) {
    const rows = await this.db
      .selectFrom('case_drafts')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .execute();
    return rows.map((r) => ({
      service: this.catalog.get(r.service_code)?.definition.name ?? r.service_code,
      channel: r.channel,
      updatedAt: new Date(Number(r.updated_at)).toISOString(),
      formData: this.stored(r),
    }));
  }

  /** Deletes every draft of the citizen; returns how many there were. */
  async deleteAll(citizenId: string): Promise<number> {
    const r = await this.db.deleteFrom('case_drafts').where('citizen_id', '=', citizenId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async delete(citizenId: string, serviceCode: string): Promise<void> {
    await this.db
      .deleteFrom('case_drafts')
      .where('citizen_id', '=', citizenId)
      .where('service_code', '=', serviceCode)
      .execute();
  }

  private raw(citizenId: string, serviceCode: string) {
    return this.db
      .selectFrom('case_drafts')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .where('service_code', '=', serviceCode)
      .executeTakeFirst();
  }

  /** The form data as saved, personal data decrypted. */
  private stored(row: DraftTables['case_drafts']): Record<string, unknown> {
    return this.pii.open(
      { table: 'case_drafts', rowId: `${row.citizen_id}:${row.service_code}` },
      this.catalog.form(`${row.form_id}@${row.form_version}`),
      JSON.parse(row.form_data) as Record<string, unknown>,
    );
  }

  private migrated(row: DraftTables['case_drafts']) {
    const data = this.stored(row);
    const current = this.catalog.get(row.service_code)?.form;
    if (!current || current.form.id !== row.form_id || current.form.version === row.form_version) {
      return { data, version: row.form_version, migratedFrom: null as number | null };
    }
    return {
      data: migrateFormData(data, row.form_version, this.catalog.formChain(row.form_id)),
      version: current.form.version,
      migratedFrom: row.form_version as number | null,
    };
  }

  private present(row: DraftTables['case_drafts']) {
    const { data, version, migratedFrom } = this.migrated(row);
    const engine = this.catalog.form(`${row.form_id}@${version}`);
    return {
      serviceCode: row.service_code,
      form: { id: row.form_id, version },
      migratedFrom,
      channel: row.channel,
      formData: engine ? engine.mask(data) : data,
      fieldStates: engine ? engine.fieldStates(data) : {},
      updatedAt: new Date(Number(row.updated_at)).toISOString(),
    };
  }
}
