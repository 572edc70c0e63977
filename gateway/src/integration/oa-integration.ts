import { type OaCase, OaError, type OaStatus } from '@gcrm/connectors/oa';
import type { AuditEntry } from '../audit/audit.types';
import { type InboxEvent, type InboxService, PermanentInboxError } from '../callbacks';
import { valueAt } from '../catalog/sensitive-paths';
import type { DeliveryRoute, DeliverySender } from '../delivery';
import type { Db } from '../platform/db/database';
import { AppError } from '../platform/errors';
import type { JobDefinition } from '../scheduler/job';
import type { IntegrationLinks } from './links';
import type { OaSystems } from './oa-systems';

/** The parts of a case an OA push reads (the case records give them). */
export type CaseDataOf = (
  caseId: string,
) => Promise<{ caseNumber: string; serviceCode: string; data: Record<string, unknown> } | undefined>;

interface AutomaticMessage {
  caseId: string;
  caseNumber: string;
  serviceCode: string;
  nodeInstanceId: string;
  nodeId: string;
  connector: string;
  operation: string;
  params: { department?: string };
  department: string;
  waitForResult: boolean;
}

interface PushPayload {
  system: string;
  department: string;
  caseId: string;
  nodeInstanceId: string;
  waitForResult: boolean;
}

/** The inbox payload of an OA result, whether it came by callback or by polling. */
interface ResultPayload {
  externalId?: unknown;
  state?: unknown;
  opinion?: unknown;
}

const linkKind = (system: string) => `oa:${system}` as const;

/** A push that no retry can mend (unconfigured system, vanished case). */
class PermanentPush extends Error {}

/**
 * `workflow.automatic` steps with connector `oa` become a push of the case to the department's OA
 * (config/oa.json). A department without an OA gets nothing here: its step waits for its staff.
 */
export function oaPushRoute(oa: OaSystems): DeliveryRoute {
  return {
    name: 'oa-push',
    topics: ['workflow.automatic'],
    plan: async (message) => {
      const m = message.payload as unknown as AutomaticMessage;
      if (m.connector !== 'oa') return [];
      const department = m.params?.department ?? m.department;
      const target = oa.departments.get(department);
      if (!target) return [];
      const payload: PushPayload = {
        system: target.system,
        department,
        caseId: m.caseId,
        nodeInstanceId: m.nodeInstanceId,
        waitForResult: m.waitForResult,
      };
      return [
        {
          destination: 'oa.push',
          key: `oa:${target.system}:${m.nodeInstanceId}`,
          orderKey: m.caseId,
          payload: payload as unknown as Record<string, unknown>,
        },
      ];
    },
  };
}

/**
 * Pushes a case to its department's OA (idempotent per case in every adapter) and links the OA's
 * document id to the waiting step, so that the result (callback or poll) finds its way back.
 */
export function oaPushSender(
  oa: OaSystems,
  links: IntegrationLinks,
  caseData: CaseDataOf,
  serviceName: (code: string) => string,
  audit: (entry: AuditEntry) => Promise<unknown>,
): DeliverySender {
  const build = oaCaseBuilder(oa, caseData, serviceName, audit);
  return {
    destination: 'oa.push',
    classify: (error) =>
      error instanceof OaError
        ? {
            kind: error.kind === 'authExpired' ? 'retryable' : error.kind,
            retryAfterMs: error.retryAfterMs,
          }
        : { kind: error instanceof PermanentPush ? 'permanent' : 'retryable' },
    send: async (delivery) => {
      const p = delivery.payload as unknown as PushPayload;
      const system = oa.systems.get(p.system);
      if (!system) throw new PermanentPush(`OA system ${p.system} is not configured`);
      const c = await build(p.system, p.department, p.caseId, delivery.id);
      if (!c) throw new PermanentPush('the case or its department OA settings are gone');
      const { externalId } = await system.connector.push(c);
      if (p.waitForResult) await links.record(linkKind(p.system), externalId, p.nodeInstanceId, p.caseId);
      return { outcome: 'delivered', reference: externalId };
    },
  };
}

/**
 * The case as a department's OA receives it (config/oa.json: template, initiator, mapped fields), put
 * on the audit record as a transfer of personal data (field names, never values) before it leaves.
 * Undefined when the case or the department's settings are gone.
 */
export function oaCaseBuilder(
  oa: OaSystems,
  caseData: CaseDataOf,
  serviceName: (code: string) => string,
  audit: (entry: AuditEntry) => Promise<unknown>,
) {
  return async (
    system: string,
    departmentCode: string,
    caseId: string,
    requestId: string,
  ): Promise<OaCase | undefined> => {
    const department = oa.departments.get(departmentCode);
    if (!department || department.system !== system) return undefined;
    const found = await caseData(caseId);
    if (!found) return undefined;
    const fields: Record<string, string> = {};
    for (const [oaField, source] of Object.entries(department.fields)) {
      const value =
        source === 'caseNumber'
          ? found.caseNumber
          : source === 'serviceName'
            ? serviceName(found.serviceCode)
            : source.startsWith('form.')
              ? textOf(found.data, source.slice(5))
              : undefined;
      if (value !== undefined && value !== '') fields[oaField] = value;
    }
    await audit({
      actorType: 'system',
      actorId: 'delivery',
      action: 'pii.transfer',
      objectType: 'case',
      objectId: caseId,
      result: 'success',
      requestId,
      details: { to: `oa:${system}`, department: departmentCode, fields: Object.keys(fields) },
    });
    return {
      caseId,
      caseNumber: found.caseNumber,
      // Adapters add the case number to the title themselves (their look-up key).
      title: serviceName(found.serviceCode),
      serviceCode: found.serviceCode,
      template: department.template,
      initiator: department.initiator,
      fields,
    };
  };
}

/**
 * For reconciliation's re-push of a linked case: the department comes from the original push (its
 * delivery), so a system serving several departments re-pushes each case with its own settings.
 */
export function oaCaseForLink(db: Db, build: ReturnType<typeof oaCaseBuilder>) {
  return async (system: string, link: { caseId: string; localId: string }): Promise<OaCase | undefined> => {
    const row = await db
      .selectFrom('deliveries')
      .select(['payload'])
      .where('destination', '=', 'oa.push')
      .where('delivery_key', '=', `oa:${system}:${link.localId}`)
      .executeTakeFirst();
    const department = row
      ? (JSON.parse(String(row.payload)) as { department?: string }).department
      : undefined;
    if (!department) return undefined;
    return build(system, department, link.caseId, `reconcile:${link.localId}`);
  };
}

function textOf(data: Record<string, unknown>, path: string): string | undefined {
  const direct = valueAt(data, path.split('.'));
  if (direct !== undefined) return direct;
  const raw = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], data);
  if (Array.isArray(raw)) return raw.map(String).join('、');
  return raw === undefined || raw === null ? undefined : String(raw);
}

/**
 * Applies an OA's result to the step waiting for it. Results for documents we do not know are dead
 * at once (`unknown_document`); a result for a step already decided (by a person, a timeout, or an
 * earlier copy of the same result) is "already done": recorded, not applied twice.
 */
export function oaResultHandler(
  links: IntegrationLinks,
  automaticResult: (
    nodeInstanceId: string,
    outcome: 'approved' | 'rejected',
    note: string | null,
  ) => Promise<void>,
  audit: (entry: AuditEntry) => Promise<unknown>,
): (event: InboxEvent) => Promise<void> {
  return async (event) => {
    const system = event.source.slice(3);
    const p = event.payload as ResultPayload;
    if (typeof p.externalId !== 'string' || typeof p.state !== 'string')
      throw new PermanentInboxError('bad_payload');
    if (p.state !== 'approved' && p.state !== 'rejected') return; // running, withdrawn: nothing to apply
    const link = await links.byExternal(linkKind(system), p.externalId);
    if (!link) throw new PermanentInboxError('unknown_document');
    const record = (result: 'success' | 'failure', status: number) =>
      audit({
        actorType: 'system',
        actorId: event.source,
        action: 'automaticResult',
        objectType: 'automaticResult',
        objectId: link.localId,
        result,
        requestId: event.id,
        details: { status, outcome: p.state, externalId: p.externalId },
      });
    try {
      await automaticResult(
        link.localId,
        p.state,
        typeof p.opinion === 'string' ? p.opinion.slice(0, 500) : null,
      );
    } catch (error) {
      if (!(error instanceof AppError && error.status === 409)) throw error;
      await record('failure', 409);
      await links.close(linkKind(system), p.externalId, 'closed', p.state);
      return;
    }
    await record('success', 200);
    await links.close(linkKind(system), p.externalId, 'applied', p.state);
  };
}

/**
 * `oa.poll`: for OAs that do not call back (Weaver, Seeyon, Landray), reads the state of every open
 * document and records each final one in the inbox exactly as a callback would be (same dedupe key),
 * so that polling and callbacks cannot both apply a result.
 */
export function oaPollJob(oa: OaSystems, links: IntegrationLinks, inbox: InboxService): JobDefinition {
  return {
    name: 'oa.poll',
    title: '查询部门 OA 办理结果',
    // Runs every minute and is safe to overlap (same inbox dedupe keys): a killed instance must not
    // hold the job's lease for the default 15 minutes, stalling every case that waits for an OA.
    maxRunMs: 60_000,
    run: async (ctx) => {
      const counts = { checked: 0, finished: 0, failed: 0 };
      for (const system of oa.systems.values()) {
        if (system.connector.pushesResults) continue;
        let after: { updatedAt: number; externalId: string } | undefined;
        for (;;) {
          if (ctx.signal.aborted) return { counts };
          const page = await links.open(linkKind(system.id), 100, after);
          if (page.length === 0) break;
          for (const link of page) {
            counts.checked++;
            let status: OaStatus;
            try {
              status = await system.connector.status(link.externalId);
            } catch {
              counts.failed++;
              continue;
            }
            if (status.state !== 'approved' && status.state !== 'rejected') continue;
            counts.finished++;
            const received = await inbox.receive({
              source: `oa:${system.id}`,
              eventType: 'result',
              dedupeKey: `${link.externalId}:${status.state}`,
              payload: {
                externalId: link.externalId,
                state: status.state,
                ...(status.opinion ? { opinion: status.opinion } : {}),
                ...(status.finishedAt ? { finishedAt: status.finishedAt } : {}),
                via: 'poll',
              },
            });
            if (!received.duplicate) await inbox.process(received.id);
          }
          const last = page[page.length - 1]!;
          after = { updatedAt: last.updatedAt, externalId: last.externalId };
        }
      }
      return {
        counts,
        summary: `查询 ${counts.checked} 件，取得结果 ${counts.finished} 件，查询失败 ${counts.failed} 件`,
      };
    },
  };
}
