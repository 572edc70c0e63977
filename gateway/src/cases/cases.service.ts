import { createHash, randomUUID } from 'node:crypto';
import type { CatalogService } from '../catalog';
import type { Db } from '../platform/db/database';
import type { Tx } from '../platform/db/transaction';
import { AppError, errors } from '../platform/errors';
import { OutboxWriter } from '../platform/outbox/outbox';
import { stableStringify } from '../platform/stable-json';
import type { CaseAftercare } from './aftercare';
import type { CaseNumbers } from './case-number';
import type { CaseFacts } from './case-records';
import { CaseWriter } from './case-writer';
import { presentCase, presentSummary } from './cases.presenter';
import type { CaseRow, CasesRepository, IdempotencyRow } from './cases.repository';
import type { DraftsService } from './drafts';
import type { FormPii } from './form-pii';

export interface SubmitCaseInput {
  serviceCode: string;
  formData: Record<string, unknown>;
  channel: string;
  /** The application was continued from the citizen's draft: delete the draft once submitted. */
  fromDraft?: boolean;
}

/** A hint of 智能预审: what to correct, in which field or material, and whether it stops submission. */
export interface PreReviewHint {
  pointer?: string;
  field?: string;
  material?: string;
  message: string;
  blocking: boolean;
}

/** The service's pre-review rules over the (unmasked, checked) form data of a citizen's application. */
export type PreReviewer = (
  citizenId: string,
  serviceCode: string,
  formData: Record<string, unknown>,
) => Promise<Omit<PreReviewHint, 'pointer'>[]>;

/** `profile.*` values verified for a citizen (实名认证: name, idNumber…), if any. */
export type VerifiedProfile = (citizenId: string) => Promise<Record<string, unknown> | undefined>;

export interface SubmitResult {
  status: number;
  caseId: string;
  /** The answer, serialized once: the same bytes are stored for replays and sent now. */
  json: string;
  replayed: boolean;
}

/** A case as its applicant sees it; what follows the application is there once aftercare is in use. */
type CaseView = ReturnType<typeof presentCase> & Partial<Awaited<ReturnType<CaseAftercare['forCitizen']>>>;

const MAX_CASE_MATERIAL_BYTES = 100 * 1024 * 1024;

/** What intake needs of the materials context: ownership, sizes, and marking materials as used by a case. */
export interface CaseMaterials {
  assertOwned(citizenId: string, ids: string[], pointers?: string[]): Promise<void>;
  totalSizeOf(ids: string[]): Promise<number>;
  attachToCase(tx: Tx, citizenId: string, ids: string[], caseId: string, pointers?: string[]): Promise<void>;
}

/** A newly submitted case whose service has a flow, handed to the workflow inside the submission's transaction. */
export interface StartedCase {
  caseId: string;
  caseNumber: string;
  serviceCode: string;
  citizenId: string;
  /** `flowId@version` from the service definition. */
  flow: string;
  facts: CaseFacts;
  now: number;
}

/**
 * The workflow, as intake sees it: a case's flow is prepared (run in memory up to its first tasks)
 * before the submission's transaction, and written inside it, for a whole batch of cases at once.
 */
export interface CaseFlowStarter {
  prepareStart(started: StartedCase): Promise<unknown>;
  writeStarts(tx: Tx, prepared: unknown[]): Promise<void>;
}

/** What cases need from the citizen's bound phone (identity owns it). */
export interface CitizenPhones {
  phoneOf(citizenId: string): Promise<string | undefined>;
  assertPhoneBound(citizenId: string): Promise<void>;
}

export class CasesService {
  private flows?: CaseFlowStarter;

  /** Cases of services with a flow start it in their submission's transaction from now on. */
  private restrictedSince?: (citizenId: string) => Promise<number | null>;

  /** Since when a citizen's earlier data may only be stored (a deletion request), or null. */
  useRestrictions(restrictedSince: (citizenId: string) => Promise<number | null>): void {
    this.restrictedSince = restrictedSince;
  }

  useFlows(flows: CaseFlowStarter): void {
    this.flows = flows;
  }

  private phones?: CitizenPhones;

  /** The bound phone fills `profile.phone` and is required by services marked `requiresPhone`. */
  usePhones(phones: CitizenPhones): void {
    this.phones = phones;
  }

  private aftercare?: CaseAftercare;

  private verifiedProfile?: VerifiedProfile;

  /** Values verified by 实名认证 and the departments (name, ID number, region) fill `profile.*` first. */
  useVerifiedProfile(source: VerifiedProfile): void {
    this.verifiedProfile = source;
  }

  private preReviewer?: PreReviewer;

  /** 智能预审: a submission with a blocking hint is refused (422 `pre_review_failed`) from now on. */
  usePreReview(reviewer: PreReviewer): void {
    this.preReviewer = reviewer;
  }

  /** The case detail shows the result's delivery and the rating (after the application) from now on. */
  useAftercare(aftercare: CaseAftercare): void {
    this.aftercare = aftercare;
  }

  constructor(
    db: Db,
    private readonly repo: CasesRepository,
    private readonly catalog: CatalogService,
    private readonly numbers: CaseNumbers,
    private readonly drafts: DraftsService,
    private readonly materials: CaseMaterials,
    private readonly pii: FormPii,
    private readonly now: () => number = Date.now,
  ) {
    this.writer = new CaseWriter(db, repo, new OutboxWriter(db), (tx, flows) =>
      this.flows ? this.flows.writeStarts(tx, flows) : Promise.resolve(),
    );
  }

  private readonly writer: CaseWriter;

  /**
   * Submits a case once per (citizen, Idempotency-Key). The key row, the case, its first timeline
   * entry and the outbox message are written in one transaction (shared with concurrent submissions,
   * see CaseWriter); a concurrent or later duplicate of the key replays the first answer.
   * A retried key whose body is now invalid gets the 400, not the 409: validation comes first.
   */
  async submit(citizenId: string, idempotencyKey: string, input: SubmitCaseInput): Promise<SubmitResult> {
    const requestHash = createHash('sha256').update(stableStringify(input)).digest('hex');
    // No look-up of the key first: retries are rare, and the key row's unique constraint inside the
    // transaction answers them anyway (a replay only costs an unused case number).
    const { service, formData } = await this.validate(citizenId, input);
    const attached = service.form.attachments(formData, '/formData');
    if (attached.ids.length > 0) {
      await this.materials.assertOwned(citizenId, attached.ids, attached.pointers);
      const total = await this.materials.totalSizeOf(attached.ids);
      if (total > MAX_CASE_MATERIAL_BYTES) {
        throw errors.validation([
          {
            pointer: '/formData',
            code: 'materials_too_large',
            message: `一份申请的材料合计不能超过 ${MAX_CASE_MATERIAL_BYTES / 1024 / 1024} MB`,
          },
        ]);
      }
    }
    const now = this.now();
    const id = randomUUID();
    const caseNumber = await this.numbers.next(now);
    const row: CaseRow = {
      id,
      case_number: caseNumber,
      citizen_id: citizenId,
      service_code: service.definition.code,
      service_version: service.definition.version,
      channel: input.channel,
      status: 'submitted',
      form_data: JSON.stringify(this.pii.seal({ table: 'cases', rowId: id }, service.form, formData)),
      created_at: now,
      updated_at: now,
      row_version: 1,
      form_id: service.form.form.id,
      form_version: service.form.form.version,
    };
    const event = {
      id: randomUUID(),
      case_id: id,
      type: 'submitted',
      from_status: null,
      to_status: 'submitted',
      actor_type: 'citizen',
      actor_id: citizenId,
      note: null,
      created_at: now,
    };
    const json = JSON.stringify({
      ...presentCase(row, [event], service, service.form, formData),
      ...this.aftercare?.initial(service),
    });
    const flow = service.definition.flow && this.flows ? await this.prepareFlow(row, formData) : undefined;
    const outcome = await this.writer.write({
      key: {
        citizen_id: citizenId,
        idem_key: idempotencyKey,
        request_hash: requestHash,
        response_status: 201,
        response_body: json,
        case_id: id,
        created_at: now,
      },
      row,
      event,
      alsoWrite: async (tx) => {
        if (attached.ids.length > 0) {
          await this.materials.attachToCase(tx, citizenId, attached.ids, id, attached.pointers);
        }
        const digests = this.pii.digests(service.form, formData);
        if (digests.length > 0) await this.repo.writeDigests(tx, id, digests);
      },
      flow,
      message: {
        topic: 'case.submitted',
        aggregateType: 'case',
        aggregateId: id,
        dedupeKey: `case.submitted:${id}`,
        payload: {
          caseId: id,
          caseNumber,
          serviceCode: row.service_code,
          citizenId,
          channel: row.channel,
          submittedAt: now,
        },
      },
    });
    if (outcome === 'created' && input.fromDraft) {
      // After the commit and outside it: a failure here leaves a stale draft, never a lost case.
      await this.drafts.delete(citizenId, row.service_code).catch(() => {});
    }
    if (outcome === 'duplicate') {
      const winner = await this.repo.findIdempotency(citizenId, idempotencyKey);
      if (!winner) throw new Error('idempotency row vanished after a duplicate-key conflict');
      return this.replay(winner, requestHash);
    }
    return { status: 201, caseId: id, json, replayed: false };
  }

  /** The case's flow run up to its first tasks, in memory; written with the case (CaseWriter). */
  private prepareFlow(row: CaseRow, formData: Record<string, unknown>): Promise<unknown> {
    return this.flows!.prepareStart({
      caseId: row.id,
      caseNumber: row.case_number,
      serviceCode: row.service_code,
      citizenId: row.citizen_id,
      flow: this.catalog.get(row.service_code)!.definition.flow!,
      facts: {
        form: formData,
        case: {
          serviceCode: row.service_code,
          channel: row.channel,
          caseNumber: row.case_number,
          applicantKind: typeof formData.applicantKind === 'string' ? formData.applicantKind : undefined,
        },
      },
      now: row.created_at,
    });
  }

  async get(citizenId: string, id: string): Promise<CaseView> {
    // Another citizen's case answers exactly like a missing one: its existence is not disclosed.
    const row = await this.repo.findOwned(citizenId, id);
    if (!row) throw errors.notFound('case_not_found', '未找到该办件');
    const form = row.form_id ? this.catalog.form(`${row.form_id}@${row.form_version}`) : undefined;
    const [events, aftercare] = await Promise.all([this.repo.events(id), this.aftercare?.forCitizen(row)]);
    return {
      ...presentCase(
        row,
        events,
        this.catalog.get(row.service_code),
        form,
        this.pii.open({ table: 'cases', rowId: row.id }, form, JSON.parse(row.form_data)),
      ),
      ...aftercare,
    };
  }

  async list(citizenId: string, query: { limit?: number; cursor?: string; status?: string }) {
    const limit = query.limit ?? 20;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.repo.listOwned(citizenId, limit + 1, after, query.status);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => presentSummary(r, this.catalog.get(r.service_code))),
      nextCursor: rows.length > limit && last ? encodeCursor(Number(last.created_at), last.id) : null,
    };
  }

  /**
   * The citizen's case history as rule facts: `history.open` (services with a case in progress),
   * `history.completed` (services completed for them) and `history.applied` (every service applied for).
   * Rules test them with `contains`, e.g. 「已有一件生育津贴申请在办理中」.
   */
  async historyFacts(
    citizenId: string,
  ): Promise<{ history: { open: string[]; completed: string[]; applied: string[] } }> {
    const CLOSED = new Set(['completed', 'rejected', 'denied', 'withdrawn']);
    const rows = await this.repo.serviceStatuses(citizenId);
    const unique = (list: string[]) => [...new Set(list)];
    return {
      history: {
        open: unique(rows.filter((r) => !CLOSED.has(r.status)).map((r) => r.service_code)),
        completed: unique(rows.filter((r) => r.status === 'completed').map((r) => r.service_code)),
        applied: unique(rows.map((r) => r.service_code)),
      },
    };
  }

  /**
   * What the citizen's own applications tell about them (values of fields bound to `profile.*`,
   * newest wins), for prefill: 材料一次提交、信息自动复用. Derived when a form is opened, so that
   * submitting costs nothing extra; the profile context will add data from other departments.
   */
  async knownProfile(citizenId: string): Promise<Record<string, unknown>> {
    const [rows, since] = await Promise.all([
      this.repo.recentForms(citizenId, 20),
      this.restrictedSince?.(citizenId) ?? null,
    ]);
    const profile: Record<string, unknown> = {};
    for (const row of rows.reverse()) {
      // After a deletion request, retained cases are only stored: not reused to fill new forms.
      if (since !== null && Number(row.created_at) <= since) continue;
      const form = row.form_id ? this.catalog.form(`${row.form_id}@${row.form_version}`) : undefined;
      if (form) {
        const data = this.pii.open({ table: 'cases', rowId: row.id }, form, JSON.parse(row.form_data));
        Object.assign(profile, form.profileValues(data));
      }
    }
    // What 公安 verified (实名认证) beats what the citizen typed before.
    Object.assign(profile, (await this.verifiedProfile?.(citizenId)) ?? {});
    // A number the citizen proved (WeChat or SMS code) beats one typed into an earlier form.
    const bound = await this.phones?.phoneOf(citizenId);
    if (bound) profile.phone = bound;
    return profile;
  }

  /** Prefill of a service's current form for this citizen, sensitive values masked. */
  /**
   * Writes the citizen's draft of a service from what is known of them (a proactive offer accepted): the
   * full values are sealed in the draft, the citizen reads them masked.
   */
  async draftFromProfile(citizenId: string, serviceCode: string, channel: string): Promise<void> {
    const service = this.catalog.get(serviceCode);
    if (!service) throw errors.notFound('service_not_found', '该事项不存在或未发布');
    const values = service.form.prefill(await this.knownProfile(citizenId));
    await this.drafts.save(citizenId, serviceCode, values, channel);
  }

  async prefill(citizenId: string, serviceCode: string) {
    const service = this.catalog.get(serviceCode);
    if (!service) throw errors.notFound('service_not_found', '该事项不存在或未发布');
    const values = service.form.prefill(await this.knownProfile(citizenId));
    return {
      form: { id: service.form.form.id, version: service.form.form.version },
      formData: service.form.mask(values),
    };
  }

  private replay(earlier: IdempotencyRow, requestHash: string): SubmitResult {
    if (earlier.request_hash !== requestHash) {
      throw errors.conflict(
        'idempotency_key_reused',
        '该 Idempotency-Key 已用于内容不同的申请；新的申请请使用新的键',
      );
    }
    return {
      status: earlier.response_status,
      caseId: earlier.case_id,
      json: earlier.response_body,
      replayed: true,
    };
  }

  private async validate(citizenId: string, input: SubmitCaseInput) {
    const service = this.catalog.get(input.serviceCode);
    if (!service) {
      throw errors.validation([
        { pointer: '/serviceCode', code: 'unknown_service', message: '该事项不存在或未开放申请' },
      ]);
    }
    if (service.definition.requiresPhone) await this.phones?.assertPhoneBound(citizenId);
    const channels = service.definition.channels;
    if (channels && !channels.includes(input.channel)) {
      throw errors.validation([
        { pointer: '/channel', code: 'channel_not_offered', message: '该事项不支持通过此渠道申请' },
      ]);
    }
    // Masked ID/phone numbers that came from the citizen's draft or prefill stand for the full values we
    // hold; only such a submission pays for looking them up.
    let formData = input.formData;
    if (service.form.hasMasked(formData)) {
      const [draft, profile] = await Promise.all([
        this.drafts.values(citizenId, input.serviceCode),
        this.knownProfile(citizenId),
      ]);
      formData = service.form.unmask(formData, draft, service.form.prefill(profile));
    }
    const { data, errors: bad } = service.form.process(formData, {}, '/formData');
    if (bad.length > 0) throw errors.validation(bad);
    const review = await this.preReviewer?.(citizenId, input.serviceCode, data);
    const blocking = review?.filter((h) => h.blocking) ?? [];
    if (blocking.length > 0) {
      throw new AppError({
        status: 422,
        code: 'pre_review_failed',
        title: '智能预审未通过',
        detail: blocking.map((h) => h.message).join('；'),
        errors: blocking.map((h) => ({
          pointer: h.field ? `/formData/${h.field}` : '/formData',
          code: 'pre_review',
          message: h.message,
        })),
      });
    }
    return { service, formData: data };
  }

  /**
   * 智能预审 before submitting: the form's own checks and the service's pre-review rules, as hints per
   * field (`pointer`) and material. Masked numbers from the draft or prefill are read as the values held.
   */
  async preReview(
    citizenId: string,
    serviceCode: string,
    input: Record<string, unknown>,
  ): Promise<{ passed: boolean; hints: PreReviewHint[] }> {
    const service = this.catalog.get(serviceCode);
    if (!service) throw errors.notFound('service_not_found', '该事项不存在或未发布');
    let formData = input;
    if (service.form.hasMasked(formData)) {
      const [draft, profile] = await Promise.all([
        this.drafts.values(citizenId, serviceCode),
        this.knownProfile(citizenId),
      ]);
      formData = service.form.unmask(formData, draft, service.form.prefill(profile));
    }
    const { data, errors: bad } = service.form.process(formData, {}, '/formData');
    const hints: PreReviewHint[] = bad.map((e) => ({
      ...(e.pointer ? { pointer: e.pointer } : {}),
      ...(e.pointer?.startsWith('/formData/')
        ? { field: e.pointer.slice('/formData/'.length).split('/')[0] }
        : {}),
      message: e.message,
      blocking: true,
    }));
    // Rules read a complete form only: a form with errors is corrected first.
    if (bad.length === 0) {
      for (const h of (await this.preReviewer?.(citizenId, serviceCode, data)) ?? []) {
        hints.push({
          ...(h.field ? { pointer: `/formData/${h.field}`, field: h.field } : {}),
          ...(h.material ? { material: h.material } : {}),
          message: h.message,
          blocking: h.blocking,
        });
      }
    }
    return { passed: !hints.some((h) => h.blocking), hints };
  }
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(`${createdAt}.${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match)
    throw errors.validation([
      { parameter: 'cursor', code: 'invalid_cursor', message: '游标无效，请从第一页重新加载' },
    ]);
  return { createdAt: Number(match[1]), id: match[2]! };
}
