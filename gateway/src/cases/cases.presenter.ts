import type { FormEngine, PublishedService } from '../catalog';
import type { CaseEventRow, CaseRow } from './cases.repository';

export const STATUS_LABELS: Record<string, string> = {
  submitted: '已提交',
  accepted: '已受理',
  in_progress: '办理中',
  correction_requested: '待补正',
  completed: '已办结',
  rejected: '不予受理',
  denied: '不予批准',
  withdrawn: '已撤回',
};

const EVENT_LABELS: Record<string, string> = {
  submitted: '提交申请',
  accepted: '已受理',
  step_completed: '办理进展',
  correction_requested: '需要补正',
  corrected: '已补正',
  completed: '办结',
  rejected: '不予受理',
  denied: '不予批准',
  withdrawn: '撤回申请',
  delivery_chosen: '结果领取方式',
};

const iso = (ms: number) => new Date(Number(ms)).toISOString();

const masked = (data: Record<string, unknown>, form: FormEngine | undefined) =>
  form ? form.mask(data) : data;

type Summary = Pick<
  CaseRow,
  'id' | 'case_number' | 'service_code' | 'channel' | 'status' | 'created_at' | 'updated_at'
>;

export function presentSummary(row: Summary, service: PublishedService | undefined) {
  return {
    id: row.id,
    caseNumber: row.case_number,
    service: { code: row.service_code, name: service?.definition.name ?? row.service_code },
    channel: row.channel,
    status: row.status,
    statusLabel: STATUS_LABELS[row.status] ?? row.status,
    submittedAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** `data`: the case's form data in clear (personal data decrypted); masked here on the way out. */
export function presentCase(
  row: CaseRow,
  events: CaseEventRow[],
  service: PublishedService | undefined,
  form: FormEngine | undefined,
  data: Record<string, unknown>,
) {
  return {
    ...presentSummary(row, service),
    form: row.form_id ? { id: row.form_id, version: row.form_version } : null,
    department: service?.definition.departments.map((d) => d.name).join('、') ?? null,
    // ID and phone numbers leave masked: the full values need a permission no citizen route has.
    formData: masked(data, form),
    timeline: events.map((e) => ({
      type: e.type,
      label: EVENT_LABELS[e.type] ?? e.type,
      status: e.to_status,
      statusLabel: e.to_status ? (STATUS_LABELS[e.to_status] ?? e.to_status) : null,
      // Plain words from the workflow (e.g. 市公安局已完成「出生户口登记」); never personal data.
      note: e.note,
      at: iso(e.created_at),
    })),
  };
}
