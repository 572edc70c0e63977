import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@gcrm/config';
import type { CallbacksConfig } from '@gcrm/config/callbacks';
import type { DingtalkClient, DingtalkSimulator } from '@gcrm/connectors/dingtalk';
import type { WechatSimulator } from '@gcrm/connectors/wechat';
import type { WecomClient, WecomSimulator } from '@gcrm/connectors/wecom';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AuditEntry } from '../audit/audit.types';
import {
  callbackRoutes,
  DingtalkStreamConsumer,
  InboxHandlers,
  InboxService,
  InboxWorker,
  inboxAdminRoutes,
} from '../callbacks';
import type { DeliveryRoute, DeliverySender } from '../delivery';
import type { StaffIdentities } from '../org/staff-identities';
import type { Cache } from '../platform/cache/cache';
import type { Db } from '../platform/db/database';
import type { RouteDefiner } from '../platform/http/route';
import { dingtalkApprovalReconcileJob } from '../reconcile/dingtalk-approvals';
import { oaReconcileJob } from '../reconcile/oa-reconcile';
import type { Scheduler } from '../scheduler';
import {
  approvalDecisionHandler,
  approvalStartHandler,
  dingtalkApprovalRoute,
  dingtalkApprovalSender,
} from './dingtalk-approval';
import { dingtalkDriftRoute, dingtalkNotifyRoute, dingtalkNotifySender } from './dingtalk-notify';
import { dingtalkTodoRoute, dingtalkTodoSender } from './dingtalk-todo';
import { IntegrationLinks } from './links';
import {
  type CaseDataOf,
  oaCaseBuilder,
  oaCaseForLink,
  oaPollJob,
  oaPushRoute,
  oaPushSender,
  oaResultHandler,
} from './oa-integration';
import type { OaSystems } from './oa-systems';
import { platformUsers } from './staff-channels';
import { wecomMessageSender, wecomTaskRoute } from './wecom-messages';

/** The process code the DingTalk simulator accepts when no real one is configured. */
export const SANDBOX_APPROVAL_PROCESS_CODE = 'PROC-GCRM-SANDBOX';

export interface IntegrationDeps {
  config: AppConfig;
  db: Db;
  cache: Cache;
  log: Logger;
  identities: StaffIdentities;
  /** Who hears of reconcile drift (the 系统管理员), and a job's zh-CN title. */
  admins?: () => readonly string[];
  jobTitle?: (job: string) => string;
  /** Decisions and transfers that do not come through an API route go on the audit record here. */
  audit: (entry: AuditEntry) => Promise<unknown>;
  serviceName: (code: string) => string;
  caseData: CaseDataOf;
  workflow: {
    approve(staffId: string, taskId: string, input: { comment?: string }): Promise<unknown>;
    reject(staffId: string, taskId: string, input: { comment: string }): Promise<unknown>;
    automaticResult(
      nodeInstanceId: string,
      outcome: 'approved' | 'rejected',
      note: string | null,
    ): Promise<void>;
  };
  dingtalk?: { client: DingtalkClient; simulator?: DingtalkSimulator; apiBase: string };
  wecom?: { client: WecomClient; simulator?: WecomSimulator };
  /** The in-process WeChat simulator (its message push is pointed at our callback). */
  wechatSimulator?: WechatSimulator;
  oa: OaSystems;
  /** Where the staff pages are (the gateway's public URL), known once it listens. */
  publicUrl: () => string;
  /** More routes, senders and inbox handlers (citizen notifications). */
  extra?: { routes: DeliveryRoute[]; senders: DeliverySender[]; handlers?: (h: InboxHandlers) => void };
}

/** Everything of the integration the gateway mounts and runs. */
export interface Integration {
  routes: DeliveryRoute[];
  senders: DeliverySender[];
  inbox: InboxService;
  callbacks: Middleware;
  links: IntegrationLinks;
  /** The callback settings in force (sandbox ones filled in for in-process simulators). */
  callbackSettings: CallbacksConfig;
  registerJobs(scheduler: Scheduler): void;
  adminRoutes(api: RouteDefiner): void;
  /** After the server listens: point the in-process simulators at our callbacks, start the workers. */
  start(url: string): Promise<void>;
  stop(): Promise<void>;
}

const sandboxKey = () => randomBytes(32).toString('base64url').replace(/[-_]/g, 'x').slice(0, 43);
const sandboxToken = () => randomBytes(12).toString('hex');

/**
 * In development an in-process simulator without configured callback settings gets random sandbox
 * ones, so that its events reach us out of the box; configured settings are always kept.
 */
function withSandboxCallbacks(
  c: CallbacksConfig,
  sims: { dingtalk: boolean; wecom: boolean; wechat: boolean },
): CallbacksConfig {
  return {
    ...c,
    dingtalk:
      sims.dingtalk && c.dingtalk.mode === 'http' && !c.dingtalk.http
        ? { mode: 'http', http: { token: sandboxToken(), aesKey: sandboxKey() } }
        : c.dingtalk,
    ...(sims.wecom && !c.wecom ? { wecom: { token: sandboxToken(), aesKey: sandboxKey() } } : {}),
    ...(sims.wechat && !c.wechat ? { wechat: { token: sandboxToken(), aesKey: sandboxKey() } } : {}),
  };
}

/**
 * Builds the integration: outbox routes and senders for DingTalk (todo, 工作通知, optional approval
 * mirror), WeCom app messages, department OAs (push, results by callback or polling) plus the extra
 * ones given; the callbacks inbox with its handlers, routes, worker and (DINGTALK_MODE=stream) the
 * Stream consumer.
 */
export function createIntegration(deps: IntegrationDeps): Integration {
  const { config, db, log } = deps;
  const links = new IntegrationLinks(db);
  const routes: DeliveryRoute[] = [];
  const senders: DeliverySender[] = [];
  const handlers = new InboxHandlers();
  let approvalsMirrored = false;

  if (deps.dingtalk) {
    const { client } = deps.dingtalk;
    const users = platformUsers(deps.identities, 'dingtalk');
    const unionIdOf = async (staffId: string) =>
      (await deps.identities.identitiesOf(staffId)).find((i) => i.provider === 'dingtalk')?.union_id ??
      undefined;
    routes.push(dingtalkTodoRoute(unionIdOf, deps.serviceName), dingtalkNotifyRoute(users, deps.serviceName));
    if (deps.admins) routes.push(dingtalkDriftRoute(deps.admins, users, deps.jobTitle ?? ((job) => job)));
    senders.push(
      dingtalkTodoSender(client, deps.publicUrl, links),
      dingtalkNotifySender(client, deps.publicUrl),
    );
    const processCode =
      config.dingtalk?.approvalProcessCode ??
      (deps.dingtalk.simulator ? SANDBOX_APPROVAL_PROCESS_CODE : undefined);
    if (processCode) {
      approvalsMirrored = true;
      routes.push(dingtalkApprovalRoute(users, deps.serviceName));
      senders.push(dingtalkApprovalSender(client, links, processCode, deps.publicUrl));
      handlers.on(
        'dingtalk',
        'bpms_instance_change',
        approvalStartHandler({
          links,
          client,
          caseOfTask: async (taskId) =>
            (
              (await db
                .selectFrom('wf_tasks')
                .select('case_id')
                .where('id', '=', taskId)
                .executeTakeFirst()) as { case_id: string } | undefined
            )?.case_id,
        }),
      );
      handlers.on(
        'dingtalk',
        'bpms_task_change',
        approvalDecisionHandler({
          links,
          client,
          staffOf: (userid) => deps.identities.staffOf('dingtalk', userid),
          approve: (staffId, taskId, comment) =>
            deps.workflow.approve(staffId, taskId, comment ? { comment } : {}),
          reject: (staffId, taskId, comment) => deps.workflow.reject(staffId, taskId, { comment }),
          audit: deps.audit,
        }),
      );
    }
  }
  if (deps.wecom) {
    routes.push(wecomTaskRoute(platformUsers(deps.identities, 'wecom'), deps.serviceName));
    senders.push(wecomMessageSender(deps.wecom.client, deps.publicUrl));
  }
  if (deps.oa.systems.size > 0) {
    routes.push(oaPushRoute(deps.oa));
    senders.push(oaPushSender(deps.oa, links, deps.caseData, deps.serviceName, deps.audit));
    handlers.on(
      'oa:*',
      'result',
      oaResultHandler(
        links,
        (id, outcome, note) => deps.workflow.automaticResult(id, outcome, note),
        deps.audit,
      ),
    );
  }
  if (deps.extra) {
    routes.push(...deps.extra.routes);
    senders.push(...deps.extra.senders);
    deps.extra.handlers?.(handlers);
  }

  const inbox = new InboxService(db, handlers, { log });
  const callbackSettings = withSandboxCallbacks(config.callbacks, {
    dingtalk: deps.dingtalk?.simulator !== undefined,
    wecom: deps.wecom?.simulator !== undefined,
    wechat: deps.wechatSimulator !== undefined,
  });
  const callbacks = callbackRoutes({
    config: callbackSettings,
    inbox,
    cache: deps.cache,
    log,
    receiveIds: {
      ...(config.dingtalk ? { dingtalk: config.dingtalk.appKey } : {}),
      ...(config.wecom ? { wecom: config.wecom.corpId } : {}),
      wechat: config.wechat.appId,
    },
    oaSecret: (system) => deps.oa.systems.get(system)?.secret,
  });
  const worker = new InboxWorker(inbox, log);
  let stream: DingtalkStreamConsumer | undefined;

  return {
    routes,
    senders,
    inbox,
    callbacks,
    links,
    callbackSettings,
    registerJobs(scheduler) {
      if (deps.dingtalk && approvalsMirrored) {
        scheduler.register(dingtalkApprovalReconcileJob({ db, client: deps.dingtalk.client, links, inbox }));
      }
      if (deps.oa.systems.size === 0) return;
      scheduler.register(oaPollJob(deps.oa, links, inbox));
      const build = oaCaseBuilder(deps.oa, deps.caseData, deps.serviceName, deps.audit);
      for (const job of oaReconcileJob({
        db,
        systems: deps.oa.systems.values(),
        inbox,
        oaCase: oaCaseForLink(db, build),
      }))
        scheduler.register(job);
    },
    adminRoutes(api) {
      inboxAdminRoutes(api, inbox);
    },
    async start(url) {
      const dingtalkHttp = callbackSettings.dingtalk.http;
      if (
        deps.dingtalk?.simulator &&
        callbackSettings.dingtalk.mode === 'http' &&
        dingtalkHttp &&
        config.dingtalk
      ) {
        const check = await deps.dingtalk.simulator.registerCallbackUrl({
          url: `${url}/callbacks/dingtalk`,
          token: dingtalkHttp.token,
          aesKey: dingtalkHttp.aesKey,
          ownerKey: config.dingtalk.appKey,
        });
        if (!check.ok)
          log.warn({ reason: check }, 'the DingTalk simulator could not verify our callback URL');
      }
      if (deps.wecom?.simulator && callbackSettings.wecom) {
        deps.wecom.simulator.setCallbackTarget({
          url: `${url}/callbacks/wecom`,
          token: callbackSettings.wecom.token,
          encodingAesKey: callbackSettings.wecom.aesKey,
        });
      }
      if (deps.wechatSimulator && callbackSettings.wechat) {
        deps.wechatSimulator.configurePush({
          url: `${url}/callbacks/wechat`,
          token: callbackSettings.wechat.token,
          ...(callbackSettings.wechat.aesKey
            ? { encodingAesKey: callbackSettings.wechat.aesKey, mode: 'safe' }
            : { mode: 'plain' }),
          format: 'json',
        });
      }
      for (const [id, sim] of deps.oa.simulators) {
        const system = deps.oa.systems.get(id);
        if (system?.vendor === 'generic' && 'setCallbackUrl' in sim)
          (sim as unknown as { setCallbackUrl(u: string): void }).setCallbackUrl(`${url}/callbacks/oa/${id}`);
      }
      worker.start();
      if (deps.dingtalk && config.dingtalk && callbackSettings.dingtalk.mode === 'stream') {
        stream = new DingtalkStreamConsumer(inbox, {
          apiBase: deps.dingtalk.apiBase,
          clientId: config.dingtalk.appKey,
          clientSecret: config.dingtalk.appSecret,
          log,
        });
        await stream.start();
      }
    },
    async stop() {
      await stream?.stop();
      await worker.stop();
      await inbox.drain();
    },
  };
}
