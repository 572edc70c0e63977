import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import { inTransaction } from '../platform/db/transaction';
import { errors } from '../platform/errors';
import type { NotificationsConfig } from './notifications.config';
import type { NotificationTables } from './notifications.migrations';

export type NotificationChannel = 'wechat' | 'sms';

/** What `wx.requestSubscribeMessage` answers per template id. */
export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter';
export const SUBSCRIBE_ANSWERS: readonly SubscribeAnswer[] = ['accept', 'reject', 'ban', 'filter'];

export interface NotificationSettingsView {
  channel: NotificationChannel;
  templates: {
    event: string;
    title: string;
    templateId: string;
    /** One-time allowances left (each accept allows one message). */
    remaining: number;
    lastStatus: string | null;
  }[];
}

/** Where a consent report came from; see {@link NotificationService.recordConsent}. */
export type ConsentSource =
  | { kind: 'client'; reportId: string }
  | { kind: 'push'; eventId: string; popup: boolean };

/**
 * A client report and a push event for the same dialog arrive within this window of each other: the
 * second one is matched to the first instead of adding a second allowance.
 */
export const CONSENT_MATCH_WINDOW_MS = 10 * 60_000;

/**
 * Consents and channel choice of citizens. WeChat allows one subscribe message per accepted
 * one-time consent; this keeps our own count per (citizen, template) so that a message is planned
 * for WeChat only when an allowance is left, and SMS otherwise.
 *
 * Every change is a ledger row with a stable id, written in the same transaction as the count, so a
 * retried report, push event or plan changes the count once.
 */
export class NotificationService {
  private readonly db: Kysely<NotificationTables>;
  private readonly now: () => number;

  constructor(
    db: Db,
    private readonly config: NotificationsConfig,
    options: { now?: () => number } = {},
  ) {
    this.db = db as Kysely<NotificationTables>;
    this.now = options.now ?? Date.now;
  }

  /** Template ids of the configured events. */
  templateIds(): string[] {
    return Object.values(this.config.events).map((e) => e.wechat.templateId);
  }

  isKnownTemplate(templateId: string): boolean {
    return this.templateIds().includes(templateId);
  }

  async channel(citizenId: string): Promise<NotificationChannel> {
    const row = await this.db
      .selectFrom('notification_settings')
      .select('channel')
      .where('citizen_id', '=', citizenId)
      .executeTakeFirst();
    return row?.channel === 'sms' ? 'sms' : 'wechat';
  }

  async settings(citizenId: string): Promise<NotificationSettingsView> {
    const rows = await this.db
      .selectFrom('notification_consents')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .execute();
    const byTemplate = new Map(rows.map((r) => [r.template_id, r]));
    return {
      channel: await this.channel(citizenId),
      templates: Object.entries(this.config.events).map(([event, e]) => {
        const row = byTemplate.get(e.wechat.templateId);
        return {
          event,
          title: e.title,
          templateId: e.wechat.templateId,
          remaining: Number(row?.remaining ?? 0),
          lastStatus: row?.last_status ?? null,
        };
      }),
    };
  }

  async setChannel(citizenId: string, channel: NotificationChannel): Promise<NotificationSettingsView> {
    const now = this.now();
    await retryOnConflict(async () => {
      const updated = await this.db
        .updateTable('notification_settings')
        .set({ channel, updated_at: now })
        .where('citizen_id', '=', citizenId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        const exists = await this.db
          .selectFrom('notification_settings')
          .select('citizen_id')
          .where('citizen_id', '=', citizenId)
          .executeTakeFirst();
        if (!exists) {
          await this.db
            .insertInto('notification_settings')
            .values({ citizen_id: citizenId, channel, updated_at: now })
            .execute();
        }
      }
    });
    return this.settings(citizenId);
  }

  /**
   * Records what `wx.requestSubscribeMessage` returned in the mini-program. Unknown template ids are
   * a 400 (with a pointer to each); `accept` adds one allowance unless the matching push event was
   * already counted.
   */
  async recordClientAnswers(
    citizenId: string,
    answers: Record<string, SubscribeAnswer>,
  ): Promise<NotificationSettingsView> {
    const unknown = Object.keys(answers).filter((id) => !this.isKnownTemplate(id));
    if (unknown.length > 0) {
      throw errors.validation(
        unknown.map((id) => ({
          pointer: `/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          code: 'unknown_template',
          message: '不是本小程序的订阅消息模板',
        })),
      );
    }
    const reportId = randomUUID();
    for (const [templateId, answer] of Object.entries(answers)) {
      await this.recordConsent(citizenId, templateId, answer, { kind: 'client', reportId });
    }
    return this.settings(citizenId);
  }

  /**
   * Applies one consent answer once per source id. Popup pushes and client reports of the same dialog
   * are matched within {@link CONSENT_MATCH_WINDOW_MS}; a `reject` from the settings page (a change
   * push) removes what was left, since WeChat will refuse those messages anyway.
   */
  async recordConsent(
    citizenId: string,
    templateId: string,
    status: string,
    source: ConsentSource,
  ): Promise<void> {
    const id =
      source.kind === 'client'
        ? `client:${source.reportId}:${templateId}`
        : `push:${source.eventId}:${templateId}`;
    const now = this.now();
    const matchable = source.kind === 'client' || source.popup;
    await retryOnConflict(() =>
      inTransaction(this.db, async (tx) => {
        if (
          await tx
            .selectFrom('notification_consent_ledger')
            .select('id')
            .where('id', '=', id)
            .executeTakeFirst()
        )
          return;
        let delta = 0;
        let matched = source.kind === 'push' && !source.popup ? 1 : 0;
        if (status === 'accept') {
          const other = matchable
            ? await tx
                .selectFrom('notification_consent_ledger')
                .select('id')
                .where('citizen_id', '=', citizenId)
                .where('template_id', '=', templateId)
                .where('source', '=', source.kind === 'client' ? 'push' : 'client')
                .where('status', '=', 'accept')
                .where('matched', '=', 0)
                .where('created_at', '>=', now - CONSENT_MATCH_WINDOW_MS)
                .orderBy('created_at')
                .limit(1)
                .executeTakeFirst()
            : undefined;
          if (other) {
            await tx
              .updateTable('notification_consent_ledger')
              .set({ matched: 1 })
              .where('id', '=', other.id)
              .execute();
            matched = 1;
          } else {
            delta = 1;
          }
        }
        await tx
          .insertInto('notification_consent_ledger')
          .values({
            id,
            citizen_id: citizenId,
            template_id: templateId,
            source: source.kind,
            status: status.slice(0, 16),
            delta,
            matched,
            created_at: now,
          })
          .execute();
        const turnedOff = source.kind === 'push' && !source.popup && status !== 'accept';
        const row = await tx
          .selectFrom('notification_consents')
          .select('remaining')
          .where('citizen_id', '=', citizenId)
          .where('template_id', '=', templateId)
          .executeTakeFirst();
        if (!row) {
          await tx
            .insertInto('notification_consents')
            .values({
              citizen_id: citizenId,
              template_id: templateId,
              remaining: delta,
              last_status: status.slice(0, 16),
              updated_at: now,
            })
            .execute();
          return;
        }
        await tx
          .updateTable('notification_consents')
          .set((eb) => ({
            remaining: turnedOff ? 0 : eb('remaining', '+', delta),
            last_status: status.slice(0, 16),
            updated_at: now,
          }))
          .where('citizen_id', '=', citizenId)
          .where('template_id', '=', templateId)
          .execute();
      }),
    );
  }

  /**
   * Takes one allowance of (citizen, template) for the send identified by `key`; true when the send
   * may go to WeChat. The same key takes at most one allowance however often it is asked: a second
   * call answers true again without taking another.
   */
  async reserve(citizenId: string, templateId: string, key: string): Promise<boolean> {
    const id = `use:${key}`;
    const now = this.now();
    try {
      return await inTransaction(this.db, async (tx) => {
        if (
          await tx
            .selectFrom('notification_consent_ledger')
            .select('id')
            .where('id', '=', id)
            .executeTakeFirst()
        )
          return true;
        const taken = await tx
          .updateTable('notification_consents')
          .set((eb) => ({ remaining: eb('remaining', '-', 1), updated_at: now }))
          .where('citizen_id', '=', citizenId)
          .where('template_id', '=', templateId)
          .where('remaining', '>', 0)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) === 0) return false;
        await tx
          .insertInto('notification_consent_ledger')
          .values({
            id,
            citizen_id: citizenId,
            template_id: templateId,
            source: 'use',
            status: 'use',
            delta: -1,
            matched: 0,
            created_at: now,
          })
          .execute();
        return true;
      });
    } catch (error) {
      // Another instance reserved for the same key at the same moment; its allowance counts, ours rolled back.
      if (isUniqueViolation(error)) return true;
      throw error;
    }
  }

  /** WeChat answered 43101: whatever we counted, nothing is left for (citizen, template). */
  async exhaust(citizenId: string, templateId: string): Promise<void> {
    await this.db
      .updateTable('notification_consents')
      .set({ remaining: 0, last_status: 'used_up', updated_at: this.now() })
      .where('citizen_id', '=', citizenId)
      .where('template_id', '=', templateId)
      .execute();
  }
}

/** Runs `work` again when a concurrent first insert of the same row won (its ledger check makes it idempotent). */
async function retryOnConflict<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isUniqueViolation(error)) throw error;
    }
  }
}
