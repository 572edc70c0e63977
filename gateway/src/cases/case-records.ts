import type { CatalogService, FormEngine, PublishedService, SensitiveKind } from '../catalog';
import { keyFromFieldName, maskValue, valueAt } from '../catalog/sensitive-paths';
import type { SqlBatch } from '../platform/db/sql-batch';
import type { Tx } from '../platform/db/transaction';
import { errors } from '../platform/errors';
import type { CaseAftercare } from './aftercare';
import { presentCase } from './cases.presenter';
import type { CasesRepository } from './cases.repository';
import type { FormPii, PiiDigest } from './form-pii';

/** Corrected form data ready to store: sealed, and the blind-index digests of its numbers. */
export interface CorrectedData {
  sealed: Record<string, unknown>;
  digests: PiiDigest[];
}

/** A material as the case records need to know it (the materials context's MaterialView). */
export interface CaseMaterial {
  id: string;
  name: string;
  mime: string;
  sizeBytes: number;
  materialCode: string | null;
}

/** What the case records need of the materials context: the citizen's materials among some ids. */
export interface CaseMaterialLookup {
  describeOwned(citizenId: string, ids: string[]): Promise<CaseMaterial[]>;
}

/** A case as the workflow sees it: the facts its conditions read. Never logged (form data holds personal data). */
export interface CaseFacts {
  form: Record<string, unknown>;
  case: { serviceCode: string; channel: string; caseNumber: string; applicantKind?: string };
}

/**
 * What other contexts (the workflow) may read and change of a case, without touching its tables:
 * its facts, its progress (status and the citizen's timeline) and, for 补正, its form data.
 */
export class CaseRecords {
  constructor(
    private readonly repo: CasesRepository,
    private readonly catalog: CatalogService,
    private readonly pii: FormPii,
    private readonly extras: { materials?: CaseMaterialLookup; aftercare?: CaseAftercare } = {},
  ) {}

  /** A case's form engine (its own version) and its form data in clear. */
  private clear(row: { id: string; form_id: string | null; form_version: number | null; form_data: string }) {
    const form = row.form_id ? this.catalog.form(`${row.form_id}@${row.form_version}`) : undefined;
    const data = this.pii.open({ table: 'cases', rowId: row.id }, form, JSON.parse(row.form_data));
    return { form, data };
  }

  async facts(caseId: string): Promise<CaseFacts | undefined> {
    const row = await this.repo.findById(caseId);
    if (!row) return undefined;
    return factsOf(row, this.clear(row).data);
  }

  recordProgress(
    tx: Tx,
    batch: {
      caseId: string;
      entries: { type: string; fromStatus: string; toStatus?: string; note: string }[];
      actor: { type: string; id: string | null };
      now: number;
    }[],
    statements: SqlBatch,
  ): void {
    this.repo.recordProgress(tx, batch, statements);
  }

  /**
   * The case for staff: its data (personal numbers masked), timeline, and the form definition of the
   * version it was submitted with, so that a task page renders it as the applicant saw it; the result's
   * delivery (masked), the rating, and the attached materials (for a preview).
   */
  async view(caseId: string) {
    const row = await this.repo.findById(caseId);
    if (!row) return undefined;
    const { form, data } = this.clear(row);
    const service = this.catalog.get(row.service_code);
    const [events, aftercare, materials] = await Promise.all([
      this.repo.events(caseId),
      this.extras.aftercare?.forStaff(row),
      this.materialsOf(row, form, data, service),
    ]);
    return {
      ...presentCase(row, events, service, form, data),
      ...aftercare,
      materials,
      formDefinition: form
        ? {
            title: form.form.title,
            schema: form.form.schema,
            ui: form.form.ui,
            linkage: form.form.linkage ?? [],
          }
        : null,
    };
  }

  /**
   * The materials attached to a case (the attachment fields of its form data), each with the guide
   * material it stands for. Ids that no longer name a material of the applicant are left out.
   */
  private async materialsOf(
    row: { citizen_id: string },
    form: FormEngine | undefined,
    data: Record<string, unknown>,
    service: PublishedService | undefined,
  ) {
    const lookup = this.extras.materials;
    if (!form || !lookup) return [];
    const { ids, pointers } = form.attachments(data);
    if (ids.length === 0) return [];
    const found = new Map((await lookup.describeOwned(row.citizen_id, ids)).map((m) => [m.id, m]));
    const guide = service?.definition.guide.materials ?? [];
    const seen = new Set<string>();
    return ids.flatMap((id, i) => {
      const material = found.get(id);
      if (!material || seen.has(id)) return [];
      seen.add(id);
      const field = pointers[i]!.split('/')[1]!;
      const code = material.materialCode ?? form.form.ui.fields[field]?.material ?? null;
      return [
        {
          id,
          name: material.name,
          mime: material.mime,
          size: material.sizeBytes,
          materialCode: code,
          materialName: guide.find((g) => g.code === code)?.name ?? form.titleOf(field) ?? null,
          field,
        },
      ];
    });
  }

  /**
   * The applicant of a case when `materialId` is one of its attachments (for a staff preview whose
   * scope the caller has checked); undefined otherwise, or when the case does not exist.
   */
  async attachmentOwner(caseId: string, materialId: string): Promise<string | undefined> {
    const row = await this.repo.findById(caseId);
    if (!row) return undefined;
    const { form, data } = this.clear(row);
    return form?.attachments(data).ids.includes(materialId) ? row.citizen_id : undefined;
  }

  /**
   * The case's form data in clear, for a transfer its department's own system needs (an OA push maps
   * the fields it is configured with). Undefined when the case does not exist. Never log the result.
   */
  async clearData(caseId: string) {
    const row = await this.repo.findById(caseId);
    if (!row) return undefined;
    return { caseNumber: row.case_number, serviceCode: row.service_code, data: this.clear(row).data };
  }

  /**
   * The full value of one sensitive field (ID or phone number) of a case, for a staff member whose
   * permission and stated purpose the caller has checked and put on the audit record. Undefined when the
   * case does not exist; a validation error when the field is not a sensitive field of its form.
   */
  async reveal(caseId: string, field: string): Promise<string | null | undefined> {
    const row = await this.repo.findById(caseId);
    if (!row) return undefined;
    const { form, data } = this.clear(row);
    const key = keyFromFieldName(field);
    if (!form?.isSensitiveKey(key)) {
      throw errors.validation([
        { pointer: '/field', code: 'not_sensitive', message: '该字段不是需要查看原文的个人信息字段' },
      ]);
    }
    return valueAt(data, key.split('.')) ?? null;
  }

  /**
   * Validates the applicant's corrected form data against the case's own form version (masked ID and
   * phone numbers stand for the values already on the case) and returns what to store.
   */
  async validateCorrection(citizenId: string, caseId: string, formData: Record<string, unknown>) {
    const row = await this.repo.findOwned(citizenId, caseId);
    if (!row) throw errors.notFound('case_not_found', '未找到该办件');
    const { form, data: current } = this.clear(row);
    if (!form) throw errors.conflict('form_unavailable', '该办件的表单版本已不可用，请联系受理部门');
    const input = form.hasMasked(formData) ? form.unmask(formData, current) : formData;
    const { data, errors: bad } = form.process(input, {}, '/formData');
    if (bad.length > 0) throw errors.validation(bad);
    // `data` is what will be stored: its personal data sealed for this case's row, with fresh digests.
    return {
      data: {
        sealed: this.pii.seal({ table: 'cases', rowId: row.id }, form, data),
        digests: this.pii.digests(form, data),
      },
      facts: factsOf(row, data),
    };
  }

  async updateFormData(tx: Tx, caseId: string, data: CorrectedData, now: number): Promise<void> {
    await this.repo.updateFormData(tx, caseId, JSON.stringify(data.sealed), now);
    await this.repo.writeDigests(tx, caseId, data.digests);
  }

  /**
   * The citizen's cases with their form data in clear and their timelines (their data export), with the
   * result's delivery (mailing address in clear) and the rating.
   */
  async exportOwned(citizenId: string) {
    const rows = await this.repo.allOwned(citizenId);
    const aftercare = (await this.extras.aftercare?.exportOwned(citizenId)) ?? new Map();
    return Promise.all(
      rows.map(async (row) => ({
        caseNumber: row.case_number,
        service: this.catalog.get(row.service_code)?.definition.name ?? row.service_code,
        status: row.status,
        channel: row.channel,
        submittedAt: new Date(Number(row.created_at)).toISOString(),
        formData: this.clear(row).data,
        timeline: (await this.repo.events(row.id)).map((e) => ({
          at: new Date(Number(e.created_at)).toISOString(),
          note: e.note,
        })),
        delivery: aftercare.get(row.id)?.delivery ?? null,
        rating: aftercare.get(row.id)?.rating ?? null,
      })),
    );
  }

  /**
   * PIPL Art. 46: checks a citizen's request to correct one field (`phone`, `/shareholders/0/idNumber`)
   * of their own case, under the case's form version. 404 for someone else's case, 400 (pointer
   * `/field` or `/value`) for a field the form lacks or a value it refuses.
   */
  async checkCorrection(citizenId: string, caseId: string, field: string, value: string) {
    const row = await this.repo.findOwned(citizenId, caseId);
    if (!row) throw errors.notFound('case_not_found', '未找到该办件');
    return this.corrected(row, field, value).preview;
  }

  /** How a requested value may be shown to staff: masked when it is personal data. */
  async presentCorrection(caseId: string, field: string, value: string) {
    const row = await this.repo.findById(caseId);
    if (!row) throw errors.notFound('case_not_found', '未找到该办件');
    return this.corrected(row, field, value, false).preview;
  }

  /** Applies a correction staff approved: re-validated, sealed, re-indexed, on the timeline. */
  async applyCorrection(caseId: string, field: string, value: string, staffId: string, now: number) {
    const row = await this.repo.findById(caseId);
    if (!row) throw errors.notFound('case_not_found', '未找到该办件');
    const { form, data, preview } = this.corrected(row, field, value);
    await this.repo.applyCorrection(
      caseId,
      JSON.stringify(this.pii.seal({ table: 'cases', rowId: row.id }, form, data)),
      this.pii.digests(form, data),
      { note: `依申请人申请更正了「${preview.title}」`, actorId: staffId, now },
    );
  }

  private corrected(
    row: { id: string; form_id: string | null; form_version: number | null; form_data: string },
    field: string,
    value: string,
    validate = true,
  ) {
    const { form, data } = this.clear(row);
    if (!form) throw errors.conflict('form_unavailable', '该办件的表单版本已不可用，请联系受理部门');
    const key = keyFromFieldName(field);
    const location = key.split('.');
    const title = form.titleOf(key);
    const nested = location.length > 1;
    if (!title || (nested && (!form.isSensitiveKey(key) || valueAt(data, location) === undefined)))
      throw errors.validation([
        { pointer: '/field', code: 'unknown_field', message: '该办件的表单没有此字段' },
      ]);
    const next = setAt(data, location, value);
    const processed = validate ? form.process(next, {}, '') : { data: next, errors: [] };
    if (processed.errors.length > 0) {
      const at = `/${location.join('/')}`;
      throw errors.validation(
        processed.errors.map((e) => (e.pointer === at ? { ...e, pointer: '/value' } : e)),
      );
    }
    const kind = form.sensitiveValues(next).find((v) => v.key === key)?.kind;
    return { form, data: processed.data, preview: { title, shown: kind ? maskValue(kind, value) : value } };
  }

  /**
   * Cases holding this ID or phone number (exact match through the blind index, nothing decrypted),
   * newest first. The caller checks the staff member's scope and puts the search on the audit record.
   */
  search(kind: SensitiveKind, value: string, limit = 20) {
    return this.repo.casesWithDigest(kind, this.pii.digest(kind, value), limit);
  }
}

function factsOf(
  row: { service_code: string; channel: string; case_number: string },
  form: Record<string, unknown>,
): CaseFacts {
  return {
    form,
    case: {
      serviceCode: row.service_code,
      channel: row.channel,
      caseNumber: row.case_number,
      applicantKind: typeof form.applicantKind === 'string' ? form.applicantKind : undefined,
    },
  };
}

/** A copy of `data` with `value` at `location` (objects and arrays on the way copied). */
function setAt(data: Record<string, unknown>, location: string[], value: string): Record<string, unknown> {
  const [head, ...rest] = location as [string, ...string[]];
  if (rest.length === 0) return { ...data, [head]: value };
  const child = data[head];
  if (Array.isArray(child)) {
    const i = Number(rest[0]);
    const copy = [...child];
    copy[i] = rest.length === 1 ? value : setAt(copy[i] as Record<string, unknown>, rest.slice(1), value);
    return { ...data, [head]: copy };
  }
  return { ...data, [head]: setAt((child ?? {}) as Record<string, unknown>, rest, value) };
}
