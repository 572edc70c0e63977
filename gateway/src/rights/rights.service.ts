import { randomUUID } from 'node:crypto';
import type { FieldCipher } from '../platform/crypto';
import { errors } from '../platform/errors';
import type { ErasureOutcome, PersonalDataSource } from './personal-data-source';
import type { RightsRepository, RightsRequestRow } from './rights.repository';

const DAY = 86_400_000;
/** GB/T 35273-2020 §8.7: answer a data-subject request within 30 days. */
const ANSWER_WITHIN_MS = 30 * DAY;
/** An export can be downloaded for 7 days; it is generated from the live data at download time. */
const EXPORT_VALID_MS = 7 * DAY;

export type RightsRequestInput =
  | { kind: 'export' }
  | { kind: 'correction'; caseId: string; field: string; value: string; reason: string }
  | { kind: 'deletion'; reason?: string };

/** The case context's side of a correction (PIPL Art. 46): checking and applying one field's new value. */
export interface CorrectionTarget {
  /**
   * Checks that the case is the citizen's and that the value is valid for the field under the case's
   * own form version (404 / 400 otherwise). Returns the field's title and how to show the value.
   */
  check(citizenId: string, caseId: string, field: string, value: string): Promise<CorrectionPreview>;
  /** Writes the new value (re-validated, sealed, re-indexed) and puts it on the case's timeline. */
  apply(caseId: string, field: string, value: string, staffId: string, now: number): Promise<void>;
  /** 404 unless the staff member's data scope includes the case. */
  assertVisible(staffId: string, caseId: string): Promise<void>;
  /** The value as it may be shown (masked when the field holds an ID/phone number or an address). */
  present(caseId: string, field: string, value: string): Promise<CorrectionPreview>;
}

export interface CorrectionPreview {
  title: string;
  shown: string;
}

const STATUS_TEXT: Record<RightsRequestRow['status'], string> = {
  submitted: '已提交，等待办理部门处理',
  processing: '正在处理',
  completed: '已完成',
  rejected: '未予办理',
};

const KIND_TEXT: Record<RightsRequestRow['kind'], string> = {
  export: '导出我的个人信息',
  correction: '更正个人信息',
  deletion: '删除个人信息',
};

/**
 * Citizens' rights over their personal data (PIPL Art. 44–47, GB/T 35273 §8): a copy of everything
 * held about them (JSON), correction of a value on a case (decided by the case's department), and
 * deletion — with what a law requires us to keep recorded as an exception, kept stored but no longer
 * used. Every request has a status the citizen follows.
 */
export class RightsService {
  constructor(
    private readonly repo: RightsRepository,
    private readonly sources: readonly PersonalDataSource[],
    private readonly cipher: FieldCipher,
    private readonly target: CorrectionTarget,
    private readonly now: () => number = Date.now,
  ) {}

  async submit(citizenId: string, input: RightsRequestInput) {
    const now = this.now();
    if (input.kind === 'deletion') return this.delete(citizenId, input.reason ?? '', now);
    const id = randomUUID();
    const base = {
      id,
      citizen_id: citizenId,
      created_at: now,
      updated_at: now,
      due_at: now + ANSWER_WITHIN_MS,
    };
    if (input.kind === 'export') {
      const row: RightsRequestRow = {
        ...base,
        kind: 'export',
        status: 'completed',
        case_id: null,
        request_json: '{}',
        result_json: JSON.stringify({ availableUntil: now + EXPORT_VALID_MS }),
        decided_by: null,
      };
      await this.repo.insert(row);
      return this.present(row);
    }
    const preview = await this.target.check(citizenId, input.caseId, input.field, input.value);
    const row: RightsRequestRow = {
      ...base,
      kind: 'correction',
      status: 'submitted',
      case_id: input.caseId,
      // The new value is personal data like the old one: sealed to this request's row.
      request_json: JSON.stringify({
        field: input.field,
        title: preview.title,
        value: this.cipher.encrypt(input.value, { table: 'rights_requests', column: 'value', rowId: id }),
        reason: input.reason,
      }),
      result_json: null,
      decided_by: null,
    };
    await this.repo.insert(row);
    return this.present(row);
  }

  async list(citizenId: string) {
    return { items: (await this.repo.listOwned(citizenId)).map((r) => this.present(r)) };
  }

  async get(citizenId: string, id: string) {
    return this.present(await this.owned(citizenId, id));
  }

  /** The citizen's copy of their data, generated now from every source (the route audits it first). */
  async exportData(citizenId: string, id: string) {
    const row = await this.owned(citizenId, id);
    const until = (JSON.parse(row.result_json ?? '{}') as { availableUntil?: number }).availableUntil ?? 0;
    if (row.kind !== 'export') throw errors.notFound('export_not_found', '该申请不是导出申请');
    if (this.now() > until) throw errors.conflict('export_expired', '导出文件已过期（7 天），请重新申请导出');
    const sections: Record<string, { title: string; data: unknown }> = {};
    for (const source of this.sources)
      sections[source.name] = { title: source.title, data: await source.export(citizenId) };
    return {
      format: 'g-crm/personal-data-export/1',
      notice: '本文件包含您的个人信息原文，请妥善保管，不要转发给他人。',
      exportedAt: new Date(this.now()).toISOString(),
      requestId: row.id,
      sections,
    };
  }

  /** Open correction requests on cases within the staff member's scope, oldest first. */
  async staffQueue(staffId: string) {
    const items = [];
    let after: { createdAt: number; id: string } | undefined;
    // Scope is checked per case (the workflow's policy); pages until 50 visible requests or the end.
    for (let page = 0; page < 20 && items.length < 50; page++) {
      const rows = await this.repo.openCorrections(100, after);
      if (rows.length === 0) break;
      for (const r of rows) {
        if (items.length >= 50) break;
        try {
          await this.target.assertVisible(staffId, r.case_id as string);
        } catch {
          continue;
        }
        items.push(await this.staffView(r));
      }
      const last = rows[rows.length - 1] as RightsRequestRow;
      after = { createdAt: Number(last.created_at), id: last.id };
    }
    return { items };
  }

  /** 同意 applies the new value to the case; 不同意 needs a reason the citizen reads. */
  async decide(staffId: string, id: string, decision: { approve: boolean; reason?: string }) {
    const row = await this.repo.find(id);
    if (row?.kind !== 'correction' || !row.case_id)
      throw errors.notFound('request_not_found', '未找到该申请');
    await this.target.assertVisible(staffId, row.case_id);
    if (row.status !== 'submitted') throw errors.conflict('already_decided', '该申请已处理');
    const now = this.now();
    const request = JSON.parse(row.request_json) as { field: string; value: string };
    if (!decision.approve) {
      if (!decision.reason)
        throw errors.validation([{ pointer: '/reason', code: 'required', message: '不予更正时请说明理由' }]);
      if (!(await this.repo.finish(id, 'submitted', 'rejected', { reason: decision.reason }, staffId, now)))
        throw errors.conflict('already_decided', '该申请已处理');
      return this.staffView((await this.repo.find(id)) as RightsRequestRow);
    }
    const value = this.cipher.decrypt(request.value, {
      table: 'rights_requests',
      column: 'value',
      rowId: id,
    });
    // Claim first, so that two approvals do not both write; a failed write gives the claim back.
    if (!(await this.repo.finish(id, 'submitted', 'processing', null, staffId, now)))
      throw errors.conflict('already_decided', '该申请已处理');
    try {
      await this.target.apply(row.case_id, request.field, value, staffId, now);
    } catch (error) {
      await this.repo.finish(id, 'processing', 'submitted', null, null, this.now());
      throw error;
    }
    await this.repo.finish(id, 'processing', 'completed', { appliedAt: now }, staffId, this.now());
    return this.staffView((await this.repo.find(id)) as RightsRequestRow);
  }

  /** Since when the citizen's earlier data may only be stored (after a deletion request), or null. */
  restrictedSince(citizenId: string): Promise<number | null> {
    return this.repo.restrictedSince(citizenId);
  }

  /**
   * Deletion: every source deletes what it may and reports what a law makes us keep; processing of
   * the rest is restricted from now on. Resumable: a request that failed half-way stays `processing`
   * and the next deletion request continues it (each source's erase is idempotent).
   */
  private async delete(citizenId: string, reason: string, now: number) {
    let row = await this.repo.openDeletion(citizenId);
    if (!row) {
      row = {
        id: randomUUID(),
        citizen_id: citizenId,
        kind: 'deletion',
        status: 'processing',
        case_id: null,
        request_json: JSON.stringify({ reason }),
        result_json: null,
        decided_by: null,
        created_at: now,
        updated_at: now,
        due_at: now + ANSWER_WITHIN_MS,
      };
      await this.repo.insert(row);
    }
    await this.repo.restrict(citizenId, row.id, now);
    const deleted: { name: string; title: string; count: number }[] = [];
    const retained: { name: string; title: string; count: number; basis: string; processing: string }[] = [];
    for (const source of this.sources) {
      const outcome: ErasureOutcome = await source.erase(citizenId, now);
      deleted.push({ name: source.name, title: source.title, count: outcome.deleted });
      if (outcome.retained && outcome.retained.count > 0)
        retained.push({ name: source.name, title: source.title, ...outcome.retained });
    }
    await this.repo.finish(row.id, 'processing', 'completed', { deleted, retained }, null, this.now());
    return this.present((await this.repo.find(row.id)) as RightsRequestRow);
  }

  private async owned(citizenId: string, id: string) {
    const row = await this.repo.find(id);
    if (!row || row.citizen_id !== citizenId) throw errors.notFound('request_not_found', '未找到该申请');
    return row;
  }

  private present(row: RightsRequestRow) {
    const request = JSON.parse(row.request_json) as { field?: string; title?: string; reason?: string };
    const result = row.result_json ? (JSON.parse(row.result_json) as Record<string, unknown>) : null;
    return {
      id: row.id,
      kind: row.kind,
      kindText: KIND_TEXT[row.kind],
      status: row.status,
      statusText: STATUS_TEXT[row.status],
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      dueAt: iso(row.due_at),
      ...(row.case_id ? { caseId: row.case_id, field: request.field, fieldTitle: request.title } : {}),
      ...(row.kind === 'export' && result?.availableUntil
        ? {
            exportUrl: `/api/v1/me/data-requests/${row.id}/export`,
            availableUntil: iso(result.availableUntil),
          }
        : {}),
      ...(row.kind === 'deletion' && result ? { deleted: result.deleted, retained: result.retained } : {}),
      ...(row.status === 'rejected' && result?.reason ? { rejectionReason: result.reason } : {}),
    };
  }

  private async staffView(row: RightsRequestRow) {
    const request = JSON.parse(row.request_json) as { field: string; value: string; reason: string };
    const value = this.cipher.decrypt(request.value, {
      table: 'rights_requests',
      column: 'value',
      rowId: row.id,
    });
    const preview = await this.target.present(row.case_id as string, request.field, value);
    return { ...this.present(row), requestedValue: preview.shown, reason: request.reason };
  }
}

const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
