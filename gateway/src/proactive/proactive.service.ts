import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { OFFER_TOPIC, type OfferMessage } from '../notifications/offer-route';
import type { Facts } from '../platform/conditions';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import { inTransaction } from '../platform/db/transaction';
import { errors } from '../platform/errors';
import { OutboxWriter } from '../platform/outbox/outbox';
import type { Policy, PolicyService } from '../policies';
import { loadConsents } from '../profile/consent';
import { LIFE_EVENT_LABELS, type LifeEvent, type LifeEventKind, lifeEventKey } from '../profile/life-events';
import { PROFILE_TABLE, type ProfileRow, profileFacts } from '../rules/profile-table';

/** offered → accepted | declined; 免申即享: pending (no account yet) → granted → declined | ended. */
export type OfferStatus = 'offered' | 'accepted' | 'declined' | 'pending' | 'granted' | 'ended';

/** An offer as its citizen sees it (GET /me/offers). */
export interface OfferView {
  id: string;
  policyCode: string;
  title: string;
  message: string;
  lifeEvent?: { kind: string; label: string; at: string };
  serviceCode: string;
  serviceName: string;
  grant: Policy['grant'];
  status: OfferStatus;
  caseId?: string;
  createdAt: string;
  dueDate?: string;
}

interface OfferRow {
  id: string;
  id_index: string;
  citizen_id: string | null;
  policy_code: string;
  trigger_key: string;
  event_kind: string | null;
  event_at: string | null;
  status: OfferStatus;
  case_id: string | null;
  message: string;
  due_date: string | null;
  decline_reason: string | null;
  verified_at: number | string | null;
  created_at: number | string;
  updated_at: number | string;
}

/** What proactive service needs of the other contexts. */
export interface ProactiveDeps {
  db: Db;
  policies: PolicyService;
  /** Accounts bound to persons (实名认证). */
  citizensOf(idIndexes: readonly string[]): Promise<Map<string, string>>;
  /** Name and ID number of a bound citizen, for the 免申即享 case's form. */
  identityOf(citizenId: string): Promise<{ name: string; idNumber: string } | undefined>;
  /** Opens a case for the citizen (the system applies on their behalf, channel `proactive`). */
  submit(
    citizenId: string,
    idempotencyKey: string,
    serviceCode: string,
    formData: Record<string, unknown>,
  ): Promise<string>;
  /** Writes the citizen's draft of a service from the prefill (the apply page restores it). */
  writeDraft(citizenId: string, serviceCode: string): Promise<void>;
  /** Withdraws a case the citizen declined (申请人撤回). */
  withdraw(citizenId: string, caseId: string, reason: string): Promise<void>;
  serviceName(code: string): string | undefined;
  /**
   * How a citizen is told of an offer, from the notification rule set over `offer.*` and `profile.*`:
   * `sms` only, `wechat` (then SMS as usual), `none` (the home page only); undefined: as usual.
   */
  notificationChannel?(facts: Facts): 'wechat' | 'sms' | 'none' | undefined;
  log: Logger;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const beijingDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY_MS;

/**
 * Proactive service (政策找人): life events and the nightly re-match make offers of the policies whose
 * rules a person meets; 免申即享 policies open the case for the person's account, which the citizen may
 * decline, and are re-verified. Every offer to a person with an account is told through the outbox
 * (WeChat subscribe message or SMS) and shown on their home page. One offer per person, policy and
 * trigger: a replayed event or a second run changes nothing.
 */
export class ProactiveService {
  private readonly outbox: OutboxWriter;

  constructor(private readonly deps: ProactiveDeps) {
    this.outbox = new OutboxWriter(deps.db);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The profile facts of persons by blind index. */
  async factsOf(idIndexes: readonly string[]): Promise<Map<string, Facts>> {
    const out = new Map<string, Facts>();
    for (let i = 0; i < idIndexes.length; i += 500) {
      const rows = await this.deps.db
        .selectFrom(PROFILE_TABLE)
        .selectAll()
        .where('id_index', 'in', idIndexes.slice(i, i + 500))
        .execute();
      for (const row of rows) out.set(row.id_index, profileFacts(row as ProfileRow));
    }
    return out;
  }

  private eligible(policy: Policy, facts: Facts | undefined, now: number): boolean {
    const compiled = this.deps.policies.ruleSet(policy.eligibility);
    if (!compiled || !facts) return false;
    return compiled.evaluate(facts, { now: new Date(now) }).outcome.eligible === true;
  }

  /**
   * Offers for new life events: each policy listing the event's kind, within its `offerDays` of the
   * event, whose rules the person meets now (reminders such as 退休 ahead of time need not). Returns the
   * offers made.
   */
  async onLifeEvents(events: readonly LifeEvent[]): Promise<number> {
    const now = this.now();
    const today = beijingDay(now);
    const candidates = events.filter((e) =>
      this.deps.policies.policies.some((p) => p.lifeEvents?.includes(e.kind)),
    );
    if (candidates.length === 0) return 0;
    // A source the person withdrew from proactive service (「主动推送服务」) makes no offer.
    const consents = await loadConsents(this.deps.db, [...new Set(candidates.map((e) => e.idIndex))]);
    const relevant = candidates.filter(
      (e) => e.source === 'cases' || (consents.get(e.idIndex)?.canUse(e.source, 'proactive') ?? true),
    );
    const facts = await this.factsOf([...new Set(relevant.map((e) => e.idIndex))]);
    let made = 0;
    for (const event of relevant) {
      for (const policy of this.deps.policies.policies) {
        if (!policy.lifeEvents?.includes(event.kind)) continue;
        // Reminders come ahead of the date; other offers only within offerDays after the event.
        const age = daysBetween(event.at, today);
        if (!policy.remindOnly && (age < 0 || age > (policy.offerDays ?? 90))) continue;
        if (!policy.remindOnly && !this.eligible(policy, facts.get(event.idIndex), now)) continue;
        const made1 = await this.offer(event.idIndex, policy, {
          key: lifeEventKey(event),
          kind: event.kind,
          at: event.at,
          ...(policy.remindOnly ? { dueDate: event.at } : {}),
        });
        if (made1) made += 1;
      }
    }
    return made;
  }

  /**
   * Makes one offer (once per person, policy and trigger) and, for a person with an account, grants it
   * (免申即享) and tells them. False when the offer existed already.
   */
  async offer(
    idIndex: string,
    policy: Policy,
    trigger: { key: string; kind?: LifeEventKind; at?: string; dueDate?: string },
  ): Promise<boolean> {
    const now = this.now();
    const citizenId = (await this.deps.citizensOf([idIndex])).get(idIndex) ?? null;
    const date = trigger.dueDate ?? trigger.at;
    const message = policy.message.replace('{date}', date ? formatDate(date) : '');
    const row: OfferRow = {
      id: randomUUID(),
      id_index: idIndex,
      citizen_id: citizenId,
      policy_code: policy.code,
      trigger_key: trigger.key,
      event_kind: trigger.kind ?? null,
      event_at: trigger.at ?? null,
      status: policy.grant === 'automatic' ? 'pending' : 'offered',
      case_id: null,
      message,
      due_date: trigger.dueDate ?? null,
      decline_reason: null,
      verified_at: now,
      created_at: now,
      updated_at: now,
    };
    const channel =
      citizenId && policy.grant === 'apply' ? await this.channelFor(row, policy, row.status) : undefined;
    try {
      await inTransaction(this.deps.db, async (tx) => {
        await tx.insertInto('proactive_offers').values(row).execute();
        if (citizenId && policy.grant === 'apply') await this.tell(tx, row, policy, citizenId, now, channel);
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    if (citizenId && policy.grant === 'automatic') await this.grant(row, policy, citizenId);
    return true;
  }

  /**
   * How the citizen is told of this offer in this state: the notification rule set over `offer.*` and the
   * person's `profile.*`. Read before the transaction that writes the message (SQLite has one connection).
   */
  private async channelFor(row: OfferRow, policy: Policy, status: OfferStatus, profile?: Facts) {
    if (!this.deps.notificationChannel) return undefined;
    const facts: Facts = {
      ...(profile ?? (await this.factsOf([row.id_index])).get(row.id_index) ?? {}),
      offer: { policyCode: policy.code, grant: policy.grant, status, lifeEvent: row.event_kind },
    };
    return this.deps.notificationChannel(facts);
  }

  private async tell(
    tx: Parameters<OutboxWriter['enqueueAll']>[0],
    row: OfferRow,
    policy: Policy,
    citizenId: string,
    now: number,
    channel: 'wechat' | 'sms' | 'none' | undefined,
  ) {
    if (channel === 'none') return;
    const payload: OfferMessage = {
      offerId: row.id,
      citizenId,
      policyTitle: policy.title,
      offerMessage: row.message,
      ...(channel ? { channel } : {}),
    };
    await this.outbox.enqueueAll(
      tx,
      [
        {
          topic: OFFER_TOPIC,
          aggregateType: 'proactive_offer',
          aggregateId: row.id,
          dedupeKey: `${OFFER_TOPIC}:${row.id}:${row.status}`,
          payload: payload as unknown as Record<string, unknown>,
        },
      ],
      now,
    );
  }

  /** 免申即享: opens the benefit case for the citizen (idempotent by offer id) and tells them. */
  private async grant(row: OfferRow, policy: Policy, citizenId: string): Promise<void> {
    const who = await this.deps.identityOf(citizenId);
    if (!who) return;
    let caseId: string;
    try {
      caseId = await this.deps.submit(citizenId, `proactive-${row.id}`, policy.serviceCode, {
        applicantName: who.name,
        idNumber: who.idNumber,
      });
    } catch (error) {
      // Stays pending: the nightly run tries again.
      this.deps.log.warn(
        { offerId: row.id, policy: policy.code, err: (error as Error).message },
        'proactive grant not opened',
      );
      return;
    }
    const now = this.now();
    const channel = await this.channelFor(row, policy, 'granted');
    await inTransaction(this.deps.db, async (tx) => {
      const r = await tx
        .updateTable('proactive_offers')
        .set({ status: 'granted', case_id: caseId, citizen_id: citizenId, verified_at: now, updated_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1)
        await this.tell(
          tx,
          { ...row, status: 'granted', citizen_id: citizenId },
          policy,
          citizenId,
          now,
          channel,
        );
    });
  }

  /**
   * After 实名认证: the person's offers become the account's, pending 免申即享 grants are opened, and the
   * automatic policies the person meets today are granted.
   */
  async onBound(citizenId: string, idIndex: string): Promise<void> {
    const now = this.now();
    await this.deps.db
      .updateTable('proactive_offers')
      .set({ citizen_id: citizenId, updated_at: now })
      .where('id_index', '=', idIndex)
      .where('citizen_id', 'is', null)
      .execute();
    const facts = (await this.factsOf([idIndex])).get(idIndex);
    for (const policy of this.deps.policies.policies) {
      if (policy.grant === 'automatic' && this.eligible(policy, facts, now))
        await this.offer(idIndex, policy, { key: `match:${policy.code}` });
    }
    await this.grantPending({ idIndex });
  }

  /** Opens the cases of pending grants whose person now has an account (all, or one person's). */
  async grantPending(scope: { idIndex?: string } = {}): Promise<number> {
    let q = this.deps.db
      .selectFrom('proactive_offers')
      .selectAll()
      .where('status', '=', 'pending')
      .where('citizen_id', 'is not', null);
    if (scope.idIndex) q = q.where('id_index', '=', scope.idIndex);
    let granted = 0;
    for (const row of (await q.limit(1000).execute()) as OfferRow[]) {
      const policy = this.deps.policies.policy(row.policy_code);
      if (!policy || !row.citizen_id) continue;
      await this.grant(row, policy, row.citizen_id);
      granted += 1;
    }
    return granted;
  }

  /** The citizen's offers, open ones first, newest first. */
  async list(citizenId: string): Promise<OfferView[]> {
    const rows = (await this.deps.db
      .selectFrom('proactive_offers')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .orderBy('created_at', 'desc')
      .limit(100)
      .execute()) as OfferRow[];
    const open = (s: OfferStatus) => (s === 'offered' || s === 'granted' ? 0 : 1);
    return rows
      .map((r) => this.present(r))
      .filter((v): v is OfferView => v !== undefined)
      .sort((a, b) => open(a.status) - open(b.status));
  }

  private present(r: OfferRow): OfferView | undefined {
    const policy = this.deps.policies.policy(r.policy_code);
    if (!policy) return undefined;
    return {
      id: r.id,
      policyCode: r.policy_code,
      title: policy.title,
      message: r.message,
      ...(r.event_kind && r.event_at
        ? {
            lifeEvent: {
              kind: r.event_kind,
              label: LIFE_EVENT_LABELS[r.event_kind as LifeEventKind] ?? r.event_kind,
              at: r.event_at,
            },
          }
        : {}),
      serviceCode: policy.serviceCode,
      serviceName: this.deps.serviceName(policy.serviceCode) ?? policy.title,
      grant: policy.grant,
      status: r.status,
      ...(r.case_id ? { caseId: r.case_id } : {}),
      createdAt: new Date(Number(r.created_at)).toISOString(),
      ...(r.due_date ? { dueDate: r.due_date } : {}),
    };
  }

  private async own(citizenId: string, offerId: string): Promise<OfferRow> {
    const row = (await this.deps.db
      .selectFrom('proactive_offers')
      .selectAll()
      .where('id', '=', offerId)
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst()) as OfferRow | undefined;
    if (!row) throw errors.notFound('offer_not_found', '该服务提醒不存在');
    return row;
  }

  /** 去办理: writes the pre-filled draft of the offer's service; the apply page opens it. */
  async accept(citizenId: string, offerId: string): Promise<{ serviceCode: string }> {
    const row = await this.own(citizenId, offerId);
    const policy = this.deps.policies.policy(row.policy_code);
    if (!policy) throw errors.notFound('offer_not_found', '该服务提醒不存在');
    if (row.status !== 'offered' && row.status !== 'accepted')
      throw errors.conflict('offer_closed', '该服务提醒已处理，不能再办理');
    await this.deps.writeDraft(citizenId, policy.serviceCode);
    await this.deps.db
      .updateTable('proactive_offers')
      .set({ status: 'accepted', updated_at: this.now() })
      .where('id', '=', offerId)
      .execute();
    return { serviceCode: policy.serviceCode };
  }

  /** 不需要: closes the offer; a 免申即享 grant's case is withdrawn. */
  async decline(citizenId: string, offerId: string, reason: string | null): Promise<OfferView> {
    const row = await this.own(citizenId, offerId);
    if (row.status === 'declined') return this.present(row)!;
    if (row.status === 'ended') throw errors.conflict('offer_closed', '该服务已终止');
    if (row.status === 'granted' && row.case_id) {
      await this.deps.withdraw(citizenId, row.case_id, reason ?? '申请人表示不需要此项服务（免申即享）');
    }
    const now = this.now();
    await this.deps.db
      .updateTable('proactive_offers')
      .set({ status: 'declined', decline_reason: reason, updated_at: now })
      .where('id', '=', offerId)
      .execute();
    return this.present({ ...row, status: 'declined', decline_reason: reason })!;
  }

  /**
   * Nightly re-match of the automatic (免申即享) policies over the population: everyone the rules select
   * now and who has no offer of the policy yet gets one (granted when they have an account).
   * `targets` gives, per policy, the persons newly selected since the last run.
   */
  async offerMatches(policy: Policy, idIndexes: readonly string[]): Promise<number> {
    let made = 0;
    for (const idIndex of idIndexes) {
      if (await this.offer(idIndex, policy, { key: `match:${policy.code}` })) made += 1;
    }
    return made;
  }

  /**
   * Re-verification of 免申即享 grants older than the policy's `reverifyDays`: still eligible → verified
   * again; no longer (deceased, moved away…) → ended, the citizen told.
   */
  async reverify(): Promise<{ verified: number; ended: number }> {
    const now = this.now();
    let verified = 0;
    let ended = 0;
    for (const policy of this.deps.policies.policies.filter((p) => p.grant === 'automatic')) {
      const due = now - (policy.reverifyDays ?? 30) * DAY_MS;
      for (;;) {
        const rows = (await this.deps.db
          .selectFrom('proactive_offers')
          .selectAll()
          .where('policy_code', '=', policy.code)
          .where('status', '=', 'granted')
          .where('verified_at', '<=', due)
          .limit(500)
          .execute()) as OfferRow[];
        if (rows.length === 0) break;
        const facts = await this.factsOf(rows.map((r) => r.id_index));
        for (const row of rows) {
          const still = this.eligible(policy, facts.get(row.id_index), now);
          const channel =
            still || !row.citizen_id
              ? undefined
              : await this.channelFor(row, policy, 'ended', facts.get(row.id_index) ?? {});
          await inTransaction(this.deps.db, async (tx) => {
            if (still) {
              await tx
                .updateTable('proactive_offers')
                .set({ verified_at: now, updated_at: now })
                .where('id', '=', row.id)
                .execute();
              verified += 1;
              return;
            }
            const message = `经复核，您已不再符合${policy.title}条件，自${formatDate(beijingDay(now))}起停止享受`;
            await tx
              .updateTable('proactive_offers')
              .set({ status: 'ended', message, verified_at: now, updated_at: now })
              .where('id', '=', row.id)
              .execute();
            if (row.citizen_id)
              await this.tell(tx, { ...row, status: 'ended', message }, policy, row.citizen_id, now, channel);
            ended += 1;
          });
        }
      }
    }
    return { verified, ended };
  }

  /** The citizen's offers, for their data export. */
  async exportOwn(citizenId: string): Promise<OfferView[]> {
    return this.list(citizenId);
  }

  /** Deletes the citizen's offers (a deletion request). Cases opened by grants follow the cases' rules. */
  async erase(citizenId: string): Promise<number> {
    const r = await this.deps.db
      .deleteFrom('proactive_offers')
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

/** 2026-11-27 → 2026年11月27日 */
function formatDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
