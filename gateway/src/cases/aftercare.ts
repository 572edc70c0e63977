import { randomUUID } from 'node:crypto';
import { type AuditEntry, maskPii } from '../audit';
import type { CatalogService, PublishedService } from '../catalog';
import { CryptoError, type FieldCipher } from '../platform/crypto';
import type { Db } from '../platform/db/database';
import { inTransaction, type Tx } from '../platform/db/transaction';
import { errors } from '../platform/errors';
import { maskAddress, maskPhone } from '../platform/privacy/mask';
import { regionPath } from '../platform/validation/formats';
import type { AftercareRepository, DeliveryRow, RatingRow } from './aftercare.repository';
import { DELIVERY_METHODS, type DeliveryMethod, RATING_LABELS } from './aftercare.schema';
import type { CaseRow, CasesRepository } from './cases.repository';
import type { PickupSite, PickupSites } from './pickup-sites';

export const DELIVERY_LABELS: Record<DeliveryMethod, string> = {
  mail: '邮寄送达',
  pickup: '窗口自取',
  elicence: '电子证照',
};

/** Statuses after which nothing about the result's delivery may change (办结, 不予受理/批准, 撤回). */
const CLOSED = ['completed', 'rejected', 'denied', 'withdrawn'] as const;
/** Statuses of a case that may be rated (好差评 follows every decision, favourable or not). */
const RATABLE = new Set(['completed', 'rejected', 'denied']);

export type DeliveryInput =
  | {
      method: 'mail';
      address: { recipient: string; phone: string; region: string; detail: string };
    }
  | { method: 'pickup'; siteId: string }
  | { method: 'elicence' };

export interface RatingInput {
  score: number;
  tags?: string[];
  comment?: string;
}

export interface DeliveryOption {
  method: DeliveryMethod;
  label: string;
  sites?: PickupSite[];
}

/** Who sees a delivery choice: the citizen (address in clear, phone masked), staff (both masked), the export (clear). */
type Audience = 'citizen' | 'staff' | 'export';

/** Where the request came from, for the audit row. */
export interface RequestFacts {
  ip?: string | null;
  requestId?: string | null;
}

/** The audit log, as this context uses it: a row in the caller's transaction. */
export interface AftercareAudit {
  append(entry: AuditEntry, tx?: Tx): Promise<unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** 浙江省杭州市西湖区 for 330106; the placeholder levels of GB/T 2260 (市辖区, 县) are left out. */
export function regionNameOf(code: string): string {
  const path = regionPath(code);
  return path ? path.filter((n) => n !== '市辖区' && n !== '县').join('') : code;
}

/**
 * After the application: how the citizen receives the result (邮寄送达, 窗口自取, 电子证照; chosen and
 * changed until the case closes) and how they rate the service once it has (好差评, once per case).
 * The mailing phone number and street address are sealed at rest and leave masked, except in the
 * citizen's own data export.
 */
export class CaseAftercare {
  constructor(
    private readonly db: Db,
    private readonly repo: AftercareRepository,
    private readonly cases: CasesRepository,
    private readonly catalog: CatalogService,
    private readonly sites: PickupSites,
    private readonly cipher: FieldCipher,
    private readonly audit: AftercareAudit,
    private readonly settings: {
      /** The department leading the case (the workflow's), whose statistics a rating counts in. */
      leadDepartment?: (caseId: string) => Promise<string | undefined>;
      now?: () => number;
    } = {},
  ) {
    this.now = settings.now ?? Date.now;
  }

  private readonly now: () => number;

  /** The methods a service offers (its `resultDelivery`, all three by default), pickup with its sites. */
  options(service: PublishedService | undefined): DeliveryOption[] {
    const offered: readonly string[] = service?.definition.resultDelivery ?? DELIVERY_METHODS;
    return DELIVERY_METHODS.filter((m) => offered.includes(m)).map((method) =>
      method === 'pickup'
        ? {
            method,
            label: DELIVERY_LABELS[method],
            sites: [...this.sites.forDepartments(service?.definition.departments ?? [])],
          }
        : { method, label: DELIVERY_LABELS[method] },
    );
  }

  /** What a case just submitted shows: nothing chosen, nothing rated. */
  initial(service: PublishedService | undefined) {
    return {
      delivery: null,
      deliveryOptions: this.options(service),
      deliveryEditable: true,
      rating: null,
      ratable: false,
    };
  }

  /** The citizen's case detail: their choice (phone masked), the options, their rating. */
  async forCitizen(row: Pick<CaseRow, 'id' | 'service_code' | 'status'>) {
    const [delivery, rating] = await Promise.all([this.repo.delivery(row.id), this.repo.rating(row.id)]);
    return {
      delivery: delivery ? this.present(delivery, 'citizen') : null,
      deliveryOptions: this.options(this.catalog.get(row.service_code)),
      deliveryEditable: !isClosed(row.status),
      rating: rating ? presentRating(rating) : null,
      ratable: RATABLE.has(row.status) && !rating,
    };
  }

  /** A case for staff: the choice with phone and street address masked, and the rating. */
  async forStaff(row: Pick<CaseRow, 'id' | 'status'>) {
    const [delivery, rating] = await Promise.all([this.repo.delivery(row.id), this.repo.rating(row.id)]);
    return {
      delivery: delivery ? this.present(delivery, 'staff') : null,
      deliveryEditable: !isClosed(row.status),
      rating: rating ? presentRating(rating) : null,
    };
  }

  /**
   * The full mailing phone or street address, for staff who send the result (the caller checked the
   * case is in scope and put the reveal on the audit record). Undefined when nothing is to be mailed.
   */
  async revealDelivery(caseId: string, part: 'phone' | 'detail'): Promise<string | undefined> {
    const row = await this.repo.delivery(caseId);
    if (row?.method !== 'mail') return undefined;
    const sealed = part === 'phone' ? row.phone : row.detail;
    return sealed ? this.open(row, part, sealed) : undefined;
  }

  /**
   * Chooses (or changes) how the result is delivered. Another citizen's case answers 404; a method or
   * site the service does not offer 400 `validation_failed` (422 at the route); a closed case 409
   * `delivery_locked`. The choice, a timeline entry and an audit row (never the address) are written
   * in one transaction.
   */
  async chooseDelivery(citizenId: string, caseId: string, input: DeliveryInput, request: RequestFacts = {}) {
    const row = await this.cases.findOwned(citizenId, caseId);
    if (!row) throw errors.notFound('case_not_found', '未找到该办件');
    if (isClosed(row.status)) throw locked(row.status);
    const option = this.options(this.catalog.get(row.service_code)).find((o) => o.method === input.method);
    if (!option) {
      throw errors.validation([
        { pointer: '/method', code: 'method_not_offered', message: '该事项不提供此领取方式，请选择其他方式' },
      ]);
    }
    let site: PickupSite | undefined;
    if (input.method === 'pickup') {
      site = option.sites?.find((s) => s.id === input.siteId);
      if (!site) {
        throw errors.validation([
          { pointer: '/siteId', code: 'unknown_site', message: '请从列表中选择自取地点' },
        ]);
      }
    }
    const now = this.now();
    const seal = (column: string, value: string) =>
      this.cipher.encrypt(value, { table: 'case_deliveries', column, rowId: caseId });
    const address = input.method === 'mail' ? input.address : undefined;
    const delivery: DeliveryRow = {
      case_id: caseId,
      citizen_id: citizenId,
      method: input.method,
      site_id: site?.id ?? null,
      recipient: address ? address.recipient.trim() : null,
      phone: address ? seal('phone', address.phone) : null,
      region: address ? address.region : null,
      detail: address ? seal('detail', address.detail.trim()) : null,
      chosen_at: now,
    };
    const before = await this.repo.delivery(caseId);
    const label = `${DELIVERY_LABELS[input.method]}${site ? `（${site.name}）` : ''}`;
    const saved = await inTransaction(this.db, async (tx) => {
      const ok = await this.repo.saveDelivery(
        tx,
        delivery,
        {
          id: randomUUID(),
          case_id: caseId,
          type: 'delivery_chosen',
          from_status: row.status,
          to_status: null,
          actor_type: 'citizen',
          actor_id: citizenId,
          // Plain words for the timeline; never the address.
          note: `${before ? '修改' : '选择'}结果领取方式：${label}`,
          created_at: now,
        },
        CLOSED,
      );
      if (!ok) return false;
      await this.audit.append(
        {
          actorType: 'citizen',
          actorId: citizenId,
          action: 'chooseCaseDelivery',
          objectType: 'case',
          objectId: caseId,
          result: 'success',
          ip: request.ip ?? null,
          requestId: request.requestId ?? null,
          details: { method: input.method, ...(site ? { siteId: site.id } : {}) },
        },
        tx,
      );
      return true;
    });
    if (!saved) {
      // Closed (or gone) between the check above and the write.
      const current = await this.cases.findOwned(citizenId, caseId);
      if (!current) throw errors.notFound('case_not_found', '未找到该办件');
      throw locked(current.status);
    }
    return this.present(delivery, 'citizen');
  }

  /**
   * 好差评 of a closed case, once. 2 points or less need a reason (a comment or a tag). ID and phone
   * numbers written into the comment or tags are masked before they are stored.
   */
  async rate(citizenId: string, caseId: string, input: RatingInput) {
    const row = await this.cases.findOwned(citizenId, caseId);
    if (!row) throw errors.notFound('case_not_found', '未找到该办件');
    const comment = input.comment?.trim() ? maskPii(input.comment.trim()) : null;
    const tags = [...new Set((input.tags ?? []).map((t) => maskPii(t.trim())).filter((t) => t !== ''))];
    if (input.score <= 2 && comment === null && tags.length === 0) {
      throw errors.validation([{ pointer: '/comment', code: 'reason_required', message: '差评请说明原因' }]);
    }
    if (!RATABLE.has(row.status)) {
      throw errors.conflict('case_not_closed', '办件办结后才能评价');
    }
    const departments = this.catalog.get(row.service_code)?.definition.departments ?? [];
    const department =
      (await this.settings.leadDepartment?.(caseId)) ??
      (departments.find((d) => d.lead) ?? departments[0])?.code ??
      null;
    const rating: RatingRow = {
      case_id: caseId,
      citizen_id: citizenId,
      department,
      score: input.score,
      tags: JSON.stringify(tags),
      comment,
      rated_at: this.now(),
    };
    if ((await this.repo.insertRating(rating)) === 'duplicate') {
      throw errors.conflict('already_rated', '您已评价过该办件');
    }
    return presentRating(rating);
  }

  /** The citizen's choices (address and phone in clear) and ratings, by case id, for their data export. */
  async exportOwned(citizenId: string) {
    const [deliveries, ratings] = await Promise.all([
      this.repo.deliveriesOf(citizenId),
      this.repo.ratingsOf(citizenId),
    ]);
    const byCase = new Map<string, { delivery?: unknown; rating?: unknown }>();
    for (const d of deliveries) byCase.set(d.case_id, { delivery: this.present(d, 'export') });
    for (const r of ratings) byCase.set(r.case_id, { ...byCase.get(r.case_id), rating: presentRating(r) });
    return byCase;
  }

  /**
   * A deletion request: mailing addresses of closed cases (the result is delivered) and the free text of
   * ratings go; the addresses of open cases stay until their result is delivered. Returns how many rows
   * changed (idempotent: a second run changes nothing).
   */
  async erase(citizenId: string): Promise<number> {
    return (await this.repo.eraseAddresses(citizenId, CLOSED)) + (await this.repo.eraseComments(citizenId));
  }

  private present(row: DeliveryRow, audience: Audience) {
    const method = row.method as DeliveryMethod;
    const view: Record<string, unknown> = { method, methodLabel: DELIVERY_LABELS[method] ?? method };
    if (row.method === 'mail' && row.recipient !== null && row.region !== null) {
      const phone = row.phone ? this.open(row, 'phone', row.phone) : '';
      const detail = row.detail ? this.open(row, 'detail', row.detail) : '';
      view.address = {
        recipient: row.recipient,
        ...(audience === 'export' ? { phone } : {}),
        phoneMasked: maskPhone(phone),
        region: row.region,
        regionName: regionNameOf(row.region),
        detail: audience === 'staff' ? maskAddress(detail) : detail,
      };
    }
    if (row.method === 'pickup' && row.site_id) {
      view.site = this.sites.get(row.site_id) ?? {
        id: row.site_id,
        name: '该自取地点已调整，请联系受理部门',
        address: '',
        hours: '',
      };
    }
    view.chosenAt = iso(row.chosen_at);
    return view;
  }

  private open(row: DeliveryRow, column: string, sealed: string): string {
    try {
      return this.cipher.decrypt(sealed, { table: 'case_deliveries', column, rowId: row.case_id });
    } catch (error) {
      // Written under a data key another instance created after this one loaded its keys (a rotation).
      if (error instanceof CryptoError && error.code === 'unknown_key') {
        void this.cipher.keys.refresh(1000).catch(() => {});
        throw errors.unavailable('keys_reloading', '数据密钥正在更新，请稍后重试', 1);
      }
      throw error;
    }
  }
}

const isClosed = (status: string) => (CLOSED as readonly string[]).includes(status);

const locked = (status: string) =>
  errors.conflict(
    'delivery_locked',
    status === 'withdrawn' ? '办件已撤回，不能再修改领取方式' : '办件已办结，不能再修改领取方式',
  );

export function presentRating(row: RatingRow) {
  return {
    score: row.score,
    label: RATING_LABELS[row.score] ?? String(row.score),
    tags: JSON.parse(row.tags) as string[],
    comment: row.comment,
    ratedAt: iso(row.rated_at),
  };
}
