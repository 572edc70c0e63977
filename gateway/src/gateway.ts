/**
 * Composition root: builds the ports, the contexts and the HTTP app from one AppConfig, and owns
 * graceful shutdown. `main.ts` runs it as a process; tests run it in-process on a free port.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '@gcrm/config';
import { loadOrg } from '@gcrm/config/org';
import {
  createDingtalkClient,
  createDingtalkSimulator,
  type DingtalkClient,
  type DingtalkSimulator,
} from '@gcrm/connectors/dingtalk';
import type { OaSimulatorBase } from '@gcrm/connectors/oa';
import {
  createAliyunSmsProvider,
  createSmsSimulator,
  DEFAULT_SMS_API_BASE,
  type SmsSimulator,
} from '@gcrm/connectors/sms';
import { createWechatClient, createWechatSimulator, type WechatSimulator } from '@gcrm/connectors/wechat';
import {
  createWecomClient,
  createWecomSimulator,
  type WecomClient,
  type WecomSimulator,
} from '@gcrm/connectors/wecom';
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { AuditLog, auditMigrations, auditRoutes, auditTrail } from './audit';
import { auditCheckpointJob } from './audit/audit-checkpoint.job';
import { openAuditSigner } from './audit/audit-signer';
import { auditPersonalData } from './audit/personal-data';
import { inboxMigrations } from './callbacks';
import {
  AftercareRepository,
  aftercareRoutes,
  CaseAftercare,
  CaseNumbers,
  CaseRecords,
  CasesRepository,
  CasesService,
  casesMigrations,
  casesRoutes,
  DraftsService,
  draftRoutes,
  FormPii,
  PickupSites,
  rotationMigrations,
} from './cases';
import { casesPersonalData, draftsPersonalData } from './cases/personal-data';
import {
  CatalogPublisher,
  CatalogRepository,
  CatalogService,
  catalogAdminRoutes,
  catalogMigrations,
  catalogRoutes,
  regionRoutes,
} from './catalog';
import { publishShippedCatalog } from './catalog/shipped-catalog';
import { DashboardRepository, DashboardService, dashboardRoutes } from './dashboard';
import { DeliveryAdmin, DeliveryWorker, deliveryMigrations, deliveryRoutes } from './delivery';
import { seedDemoData } from './demo-data';
import { housekeepingJobs } from './housekeeping';
import {
  AccessTokens,
  AdminLogin,
  authenticateCitizen,
  authenticateStaff,
  createPhoneBinding,
  DEFAULT_SMS_CODE_TEMPLATE,
  IdentityRepository,
  IdentityService,
  identityMigrations,
  identityRoutes,
  loadSigningKeys,
  phoneRoutes,
  requirePermission,
  StaffSessions,
  type StaffSsoProvider,
  staffAuthMigrations,
  staffAuthRoutes,
  staffSandboxRoutes,
  staffSsoRoutes,
} from './identity';
import { citizenSandboxPhoneRoutes, citizenSandboxRoutes } from './identity/citizen-sandbox.routes';
import { accountPersonalData, phonePersonalData } from './identity/personal-data';
import { createIntegration } from './integration/integration';
import { integrationMigrations } from './integration/links';
import { openOaSystems } from './integration/oa-systems';
import {
  createLocalDiskStore,
  MaterialsRepository,
  MaterialsService,
  materialsMigrations,
  materialsRoutes,
  staffMaterialRoutes,
} from './materials';
import { materialsPersonalData } from './materials/personal-data';
import {
  citizenNotificationRoute,
  loadNotificationsConfig,
  NotificationService,
  notificationMigrations,
  notificationRoutes,
  offerNotificationRoute,
  smsSender,
  subscribeEventHandler,
  wechatSubscribeSender,
} from './notifications';
import {
  dingtalkOrgSource,
  OrgDirectory,
  OrgRepository,
  type OrgSource,
  OrgSync,
  orgAdminRoutes,
  orgMigrations,
  orgSyncMigrations,
  StaffIdentities,
  seedOrg,
  staffIdentityRoutes,
  wecomOrgSource,
} from './org';
import { orgSyncJob } from './org/org-sync.job';
import { shippedCalendar } from './platform/calendar';
import { cryptoMigrations, openPersonalDataCrypto } from './platform/crypto';
import { migrate } from './platform/db/migrate';
import { errors } from './platform/errors';
import { adminToken } from './platform/http/admin-auth';
import { errorHandler } from './platform/http/error-handler';
import { healthRoutes } from './platform/http/health';
import { buildOpenApi } from './platform/http/openapi';
import { limitByIp } from './platform/http/rate-limit';
import { requestContext } from './platform/http/request-context';
import { ApiRegistry } from './platform/http/route';
import { webApp } from './platform/http/web-app';
import { createInfrastructure } from './platform/infrastructure';
import { createLogger, describeUnexpected } from './platform/logger';
import { outboxMigrations } from './platform/outbox/outbox';
import { createAjv } from './platform/validation/ajv';
import { loadPolicies, PolicyService, policyRoutes, publishShippedRules, ruleAdminRoutes } from './policies';
import {
  offersPersonalData,
  ProactiveService,
  proactiveJobs,
  proactiveMigrations,
  proactiveRoutes,
} from './proactive';
import {
  CitizenProfiles,
  type DeptSources,
  openDeptSources,
  profileIdIndex,
  profileMigrations,
  profilePersonalData,
  profileRoutes,
} from './profile';
import { seedDemoProfile } from './profile/demo-profile';
import { deadlinesJob } from './reconcile/deadlines';
import { dingtalkTodoReconcileJob } from './reconcile/dingtalk-todos';
import { driftMigrations } from './reconcile/drift';
import { driftRoutes } from './reconcile/drift.routes';
import { redriveJob } from './reconcile/redrive';
import { RightsRepository, RightsService, rightsMigrations, rightsRoutes } from './rights';
import { RuleSetRepository, rulesMigrations } from './rules';
import {
  JobRunsRepository,
  loadJobsConfig,
  Scheduler,
  schedulerMigrations,
  schedulerRoutes,
} from './scheduler';
import {
  citizenWorkflowRoutes,
  FlowMigrator,
  FlowStore,
  flowAdminRoutes,
  revealRoutes,
  searchRoutes,
  staffRoutes,
  TimerRunner,
  WorkflowRepository,
  WorkflowService,
  workflowMigrations,
} from './workflow';
import { isPlainAssigneeRule } from './workflow/assignees';
import { publishShippedFlows } from './workflow/shipped-flows';

export const API_PREFIX = '/api/v1';

/** Credentials only the in-process SMS simulator accepts. */
const SANDBOX_SMS = {
  id: 'sandbox-sms-key',
  secret: 'sandbox-sms-secret-not-for-production',
  signName: '政务服务中心',
};

export interface GatewayOptions {
  logger?: Logger;
  /** Namespace for Redis keys (tests give each run its own). */
  redisPrefix?: string;
}

export interface Gateway {
  url: string;
  /** Base URL of the in-process WeChat simulator, when one runs (embedded mode without WECHAT_API_BASE). */
  wechatSimulatorUrl?: string;
  wechatSimulator?: WechatSimulator;
  /** The in-process DingTalk and WeCom simulators (embedded mode without their API base). */
  dingtalkSimulator?: DingtalkSimulator;
  wecomSimulator?: WecomSimulator;
  /** The in-process SMS simulator (embedded mode without SMS_ACCESS_KEY_ID). */
  smsSimulator?: SmsSimulator;
  /** The department data sources' in-process simulators and their population (embedded mode). */
  deptData?: DeptSources;
  /** The in-process OA simulators by system id (embedded mode, systems without a base URL). */
  oaSimulators: Map<string, OaSimulatorBase>;
  server: Server;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), then closes pools. */
  close(): Promise<void>;
}

export async function startGateway(config: AppConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.logger ?? createLogger(config.logLevel);
  const infra = createInfrastructure(config, options.redisPrefix ?? config.redisPrefix);
  const { db } = infra.database;
  await migrate(
    db,
    outboxMigrations,
    identityMigrations,
    catalogMigrations,
    casesMigrations,
    materialsMigrations,
    orgMigrations,
    orgSyncMigrations,
    staffAuthMigrations,
    workflowMigrations,
    auditMigrations,
    cryptoMigrations,
    rotationMigrations,
    rightsMigrations,
    schedulerMigrations,
    deliveryMigrations,
    inboxMigrations,
    integrationMigrations,
    notificationMigrations,
    driftMigrations,
    rulesMigrations,
    profileMigrations,
    proactiveMigrations,
  );

  let simulator: WechatSimulator | undefined;
  let wechatBase = config.wechat.apiBase;
  if (!wechatBase) {
    simulator = createWechatSimulator({ appId: config.wechat.appId, appSecret: config.wechat.appSecret });
    wechatBase = await simulator.listen(0, '127.0.0.1');
    simulator.addPages(['pages/cases/detail', 'pages/home/index']);
  }
  const wechatClient = createWechatClient(
    { appId: config.wechat.appId, appSecret: config.wechat.appSecret, apiBase: wechatBase },
    { tokenCache: infra.cache },
  );
  const wechat = {
    appId: config.wechat.appId,
    code2Session: (code: string) => wechatClient.code2Session(code),
  };

  const ajv = createAjv();
  const catalogRepo = new CatalogRepository(db);
  const publisher = new CatalogPublisher(db, catalogRepo, ajv);
  await publishShippedCatalog(publisher, log);
  const catalog = new CatalogService(catalogRepo, ajv);
  await catalog.reload();
  catalog.watch(config.catalogReloadSeconds * 1000);
  const identityRepo = new IdentityRepository(db);
  const identity = new IdentityService(
    identityRepo,
    new AccessTokens(await loadSigningKeys(config), {
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ttlSeconds: config.jwt.accessTtlSeconds,
    }),
    infra.cache,
    { accessTtlSeconds: config.jwt.accessTtlSeconds, refreshTtlSeconds: config.jwt.refreshTtlSeconds },
  );
  const blobs = createLocalDiskStore(join(config.dataDir, 'blobs'));
  const materials = new MaterialsService(new MaterialsRepository(db), blobs, {
    limitFor: (serviceCode, field) => {
      const ui = catalog.get(serviceCode)?.form.form.ui.fields[field];
      return ui?.widget === 'attachment'
        ? { maxSizeKb: ui.maxSizeKb, accept: ui.accept, materialCode: ui.material }
        : undefined;
    },
  });
  // ID and phone numbers in stored form data are SM4-encrypted (key ids, envelope keys, bound to their row).
  const personalData = await openPersonalDataCrypto(db, config);
  const pii = new FormPii(personalData.cipher, personalData.index);
  // Data keys another instance (or a rotation run) created: loaded within half a minute.
  const keyRefresh = setInterval(() => {
    personalData.cipher.keys.refresh().catch((error) => {
      log.warn({ err: describeUnexpected(error) }, 'personal-data keys not refreshed; kept the loaded ones');
    });
  }, 30_000);
  keyRefresh.unref();
  const drafts = new DraftsService(db, catalog, pii);
  const casesRepo = new CasesRepository(db);
  const cases = new CasesService(db, casesRepo, catalog, new CaseNumbers(db), drafts, materials, pii);

  // The org directory comes from config/org/ until the DingTalk/WeCom org sync lands: kept in step with
  // the file outside production, seeded once (into an empty directory) in production.
  const orgRepo = new OrgRepository(db);
  if (config.env !== 'production' || (await orgRepo.readAll()).departments.length === 0) {
    await seedOrg(db, loadOrg());
  }
  const org = await OrgDirectory.load(orgRepo, { supervisionOffice: 'supervision' });
  const identities = new StaffIdentities(db);
  const orgSync = new OrgSync(db, orgRepo, identities, () => org.reload());

  // Staff platforms: real endpoints from configuration, or the simulators in-process (embedded mode).
  let dingtalkSimulator: DingtalkSimulator | undefined;
  let dingtalkClient: DingtalkClient | undefined;
  let dingtalkV1Base = '';
  let wecomClient: WecomClient | undefined;
  let wecomSimulator: WecomSimulator | undefined;
  const orgSources: Partial<Record<string, OrgSource>> = {};
  const ssoProviders: StaffSsoProvider[] = [];
  if (config.dingtalk) {
    let oapiBase = config.dingtalk.oapiBase;
    let v1Base = config.dingtalk.apiBase;
    if (!oapiBase || !v1Base) {
      // The simulator serves both API generations; real DingTalk has oapi and api.dingtalk.com.
      dingtalkSimulator = createDingtalkSimulator({
        appKey: config.dingtalk.appKey,
        appSecret: config.dingtalk.appSecret,
        ...(config.dingtalk.agentId ? { agentId: config.dingtalk.agentId } : {}),
      });
      const simulated = await dingtalkSimulator.listen(0, '127.0.0.1');
      oapiBase ??= simulated;
      v1Base ??= simulated;
    }
    const client = createDingtalkClient(
      {
        appKey: config.dingtalk.appKey,
        appSecret: config.dingtalk.appSecret,
        apiBase: oapiBase,
        v1ApiBase: v1Base,
        agentId: config.dingtalk.agentId ?? (dingtalkSimulator ? 3000000001 : undefined),
      },
      { tokenCache: infra.cache },
    );
    dingtalkClient = client;
    dingtalkV1Base = v1Base;
    orgSources.dingtalk = dingtalkOrgSource(client);
    ssoProviders.push({
      provider: 'dingtalk',
      identify: async (code) => {
        const user = await client.getUserInfoByCode(code);
        return { userId: user.userid, unionId: user.unionid };
      },
    });
  }
  if (config.wecom) {
    let apiBase = config.wecom.apiBase;
    if (!apiBase) {
      wecomSimulator = createWecomSimulator({
        corpId: config.wecom.corpId,
        corpSecret: config.wecom.corpSecret,
      });
      apiBase = await wecomSimulator.listen(0, '127.0.0.1');
    }
    const client = createWecomClient(
      {
        corpId: config.wecom.corpId,
        corpSecret: config.wecom.corpSecret,
        apiBase,
        ...(config.wecom.agentId
          ? { agentId: config.wecom.agentId }
          : wecomSimulator
            ? { agentId: 1000002 }
            : {}),
      },
      { tokenCache: infra.cache },
    );
    wecomClient = client;
    orgSources.wecom = wecomOrgSource(client);
    ssoProviders.push({
      provider: 'wecom',
      identify: async (code) => {
        const who = await client.getUserIdentityByCode(code);
        if (who.kind !== 'member') throw errors.forbidden('staff_not_linked', '该企业微信账号不是本单位成员');
        return { userId: who.userid };
      },
    });
  }
  // With demo data, the sandbox's platforms bring their demo members in, so that 免登 works out of the box.
  for (const [name, sim] of [
    ['dingtalk', dingtalkSimulator],
    ['wecom', wecomSimulator],
  ] as const) {
    if (config.demoData && sim && orgSources[name]) {
      const report = await orgSync.run(orgSources[name]!);
      log.info(
        { provider: name, added: report.staff.added.length },
        'org synced from the in-process simulator',
      );
    }
  }
  const flows = new FlowStore(db, {
    hasDepartment: (code) => org.department(code) !== undefined,
    hasStaff: (id) => org.staff(id) !== undefined,
  });
  await publishShippedFlows(flows, log);
  const auditLog = new AuditLog(db);
  // After the application: 结果领取方式 (the mailing phone and address sealed like form data) and 好差评.
  const aftercare = new CaseAftercare(
    db,
    new AftercareRepository(db),
    casesRepo,
    catalog,
    PickupSites.load(),
    personalData.cipher,
    auditLog,
    // The workflow is built below (it reads cases through caseRecords); ratings arrive long after.
    { leadDepartment: (caseId): Promise<string | undefined> => workflow.departmentOf(caseId) },
  );
  cases.useAftercare(aftercare);
  const caseRecords = new CaseRecords(casesRepo, catalog, pii, { materials, aftercare });
  const workflowRepo = new WorkflowRepository(db);
  const workflow = new WorkflowService(db, workflowRepo, flows, org, shippedCalendar(), caseRecords, {
    serviceName: (code) => catalog.get(code)?.definition.name,
    region: config.workflow.calendarRegion,
  });
  workflow.useDeliveryReveal((caseId, part) => aftercare.revealDelivery(caseId, part));
  cases.useFlows(workflow);
  const timers = new TimerRunner(workflowRepo, workflow, log, {
    intervalMs: config.workflow.timerIntervalMs,
    name: `${hostname()}:${process.pid}`,
  });

  const staffSessions = new StaffSessions(db, infra.cache);
  const staffAuth = authenticateStaff(
    identity,
    (id) => org.staff(id) !== undefined,
    (sid, staffId) => staffSessions.touch(sid, staffId),
  );
  const registry = new ApiRegistry({
    ajv,
    queryAjv: createAjv({ coerceTypes: true }),
    bodyLimit: config.http.bodyLimitBytes,
    authenticate: authenticateCitizen(identity),
    authenticateAdmin: adminToken(config.adminApiToken, staffAuth),
    authenticateStaff: staffAuth,
    requirePermission: requirePermission((id) => org.rolesOf(id)),
    audit: auditTrail(auditLog, log),
  });
  const api = registry.withPrefix(API_PREFIX);
  healthRoutes(registry.withPrefix(''), { database: infra.database.ping, cache: infra.cache.ping });
  const loginLimit = limitByIp(
    infra.rateLimiters({ name: 'login', points: config.http.loginRatePerMinute, durationSeconds: 60 }),
    'login_rate_limited',
  );
  identityRoutes(api, identity, wechat, loginLimit);
  // 绑定手机号: WeChat getPhoneNumber, or an SMS code once SMS is configured (below).
  const phoneBinding = createPhoneBinding({
    db,
    cipher: personalData.cipher,
    index: personalData.index,
    rateLimiters: infra.rateLimiters,
    wechat: wechatClient,
    openidOf: (citizenId) => identityRepo.openidOf(citizenId),
    audit: (entry, tx) => auditLog.append(entry, tx),
  });
  phoneRoutes(api, phoneBinding);
  catalogRoutes(api, catalog);
  catalogAdminRoutes(api, catalog, publisher, catalogRepo);
  regionRoutes(api);
  casesRoutes(api, cases);
  aftercareRoutes(api, aftercare);
  draftRoutes(api, drafts, cases);
  materialsRoutes(api, materials);
  staffRoutes(api, workflow);
  citizenWorkflowRoutes(api, workflow);
  revealRoutes(api, workflow, auditLog);
  searchRoutes(api, workflow, auditLog);
  staffMaterialRoutes(api, {
    materials,
    assertVisible: (staffId, caseId) => workflow.assertVisible(staffId, caseId),
    attachmentOwner: (caseId, materialId) => caseRecords.attachmentOwner(caseId, materialId),
    audit: auditLog,
  });
  dashboardRoutes(
    api,
    new DashboardService(new DashboardRepository(db), org, {
      calendar: shippedCalendar(),
      region: config.workflow.calendarRegion,
      serviceName: (code) => catalog.get(code)?.definition.name,
    }),
  );
  const auditSigner = openAuditSigner(config);
  auditRoutes(api, auditLog, [auditSigner.publicKeyHex]);
  // 政策找人 (issue 9): the departments' data, the citizen profile, policies as rules, proactive service.
  const deptData = await openDeptSources(config.deptData, {
    embedded: config.embedded,
    tokenCache: infra.cache,
  });
  if (deptData.missing.length > 0)
    log.warn(
      { missing: deptData.missing },
      'department data sources not configured: no citizen profile or proactive service',
    );
  const ruleSets = new RuleSetRepository(db);
  await publishShippedRules(ruleSets, log);
  const profileDeps = deptData.sources
    ? { db, sources: deptData.sources, idIndex: profileIdIndex(personalData.index) }
    : undefined;
  const profiles = profileDeps
    ? new CitizenProfiles({
        profile: profileDeps,
        cipher: personalData.cipher,
        attempts: infra.rateLimiters({ name: 'real-name', points: 5, durationSeconds: 3600 }),
        audit: (entry, tx) => auditLog.append(entry, tx),
      })
    : undefined;
  const policies = new PolicyService(loadPolicies(), {
    rules: ruleSets,
    recommendations: 'recommendation.home',
    subjects: {
      facts: async (citizenId) => profiles?.facts(citizenId),
      idNumberOf: async (citizenId) => (await profiles?.identityOf(citizenId))?.idNumber,
      history: (citizenId) => cases.historyFacts(citizenId),
    },
    serviceName: (code) => catalog.get(code)?.definition.name,
  });
  await policies.reload();
  policies.watch(config.catalogReloadSeconds * 1000);
  // Assignees of type ruleSet: the published dispatch rule sets choose (按户籍地派单 and the like).
  workflow.useDispatchRules((code, facts) => {
    const chosen = policies.decide(code, 'dispatch', facts)?.assignees;
    return isPlainAssigneeRule(chosen) ? chosen : undefined;
  });
  cases.usePreReview((citizenId, serviceCode, data) => policies.preReview(citizenId, serviceCode, data));
  if (profiles) {
    cases.useVerifiedProfile(async (citizenId) => {
      const who = await profiles.identityOf(citizenId);
      if (!who || !(await profiles.canUse(who.idIndex, 'hukou', 'prefill'))) return undefined;
      return { name: who.name, idNumber: who.idNumber };
    });
  }
  const proactive = profiles
    ? new ProactiveService({
        db,
        policies,
        citizensOf: (idIndexes) => profiles.citizensOf(idIndexes),
        identityOf: (citizenId) => profiles.identityOf(citizenId),
        submit: async (citizenId, key, serviceCode, formData) =>
          (await cases.submit(citizenId, key, { serviceCode, formData, channel: 'proactive' })).caseId,
        writeDraft: (citizenId, serviceCode) => cases.draftFromProfile(citizenId, serviceCode, 'wechat'),
        withdraw: async (citizenId, caseId, reason) => {
          await workflow.withdraw(citizenId, caseId, reason);
        },
        serviceName: (code) => catalog.get(code)?.definition.name,
        notificationChannel: (facts) => {
          const channel = policies.decide('notification.offers', 'notification', facts)?.channel;
          return channel === 'wechat' || channel === 'sms' || channel === 'none' ? channel : undefined;
        },
        log,
      })
    : undefined;
  if (profiles && proactive) {
    profiles.whenBound((citizenId, idIndex) => proactive.onBound(citizenId, idIndex));
    profileRoutes(api, profiles);
    proactiveRoutes(api, proactive);
  }
  policyRoutes(api, policies, cases);
  ruleAdminRoutes(api, db, ruleSets, policies);

  const rights = new RightsService(
    new RightsRepository(db),
    [
      accountPersonalData(identityRepo),
      phonePersonalData(phoneBinding),
      casesPersonalData(caseRecords, casesRepo, aftercare),
      draftsPersonalData(drafts),
      materialsPersonalData(materials),
      auditPersonalData(auditLog),
      ...(profiles && proactive ? [profilePersonalData(profiles), offersPersonalData(proactive)] : []),
    ],
    personalData.cipher,
    {
      check: (citizenId, caseId, field, value) =>
        caseRecords.checkCorrection(citizenId, caseId, field, value),
      apply: (caseId, field, value, staffId, now) =>
        caseRecords.applyCorrection(caseId, field, value, staffId, now),
      assertVisible: (staffId, caseId) => workflow.assertVisible(staffId, caseId),
      present: (caseId, field, value) => caseRecords.presentCorrection(caseId, field, value),
    },
  );
  cases.useRestrictions((citizenId) => rights.restrictedSince(citizenId));
  cases.usePhones(phoneBinding);
  rightsRoutes(api, rights, auditLog);

  flowAdminRoutes(api, flows, new FlowMigrator(db, workflowRepo, flows), workflow);
  staffAuthRoutes(
    api,
    identity,
    new AdminLogin(
      db,
      infra.rateLimiters({ name: 'admin-login-failures', points: 5, durationSeconds: 15 * 60 }),
    ),
    staffSessions,
    loginLimit,
    (id) => org.staff(id) !== undefined,
  );
  staffSsoRoutes(
    api,
    identity,
    staffSessions,
    (provider, userId, unionId) => identities.staffOf(provider, userId, unionId),
    (id) => org.staff(id) !== undefined,
    ssoProviders,
    loginLimit,
  );
  // Scheduled jobs (config/jobs.json): one instance per fire across all gateways on this database.
  const scheduler = new Scheduler(
    new JobRunsRepository(db),
    infra.locks,
    loadJobsConfig(config.scheduler.jobsFile),
    log,
    { instance: `${hostname()}:${process.pid}` },
  );
  scheduler.register(auditCheckpointJob(auditLog, auditSigner));
  for (const source of Object.values(orgSources)) if (source) scheduler.register(orgSyncJob(orgSync, source));
  schedulerRoutes(api, scheduler);
  // The integration: outbox → DingTalk, WeCom, department OAs, citizens; callbacks → inbox → workflow.
  let publicUrl = '';
  // Citizens hear of their cases by WeChat subscribe message while they have a consent left, else by SMS.
  const notificationsConfig = loadNotificationsConfig();
  const notifications = new NotificationService(db, notificationsConfig);
  notificationRoutes(api, notifications);
  const contactPhone = async (caseId: string) => {
    const found = await caseRecords.clearData(caseId);
    if (!found) return undefined;
    return catalog
      .get(found.serviceCode)
      ?.form.sensitiveValues(found.data)
      .filter((v) => v.kind === 'phone')
      .sort((a, b) => a.location.length - b.location.length)[0]?.value;
  };
  const openidOf = (citizenId: string) => identityRepo.openidOf(citizenId);
  let smsSimulator: SmsSimulator | undefined;
  let smsConfig = config.sms;
  if (!smsConfig && config.embedded) {
    smsSimulator = createSmsSimulator({ accessKeyId: SANDBOX_SMS.id, accessKeySecret: SANDBOX_SMS.secret });
    smsConfig = {
      accessKeyId: SANDBOX_SMS.id,
      accessKeySecret: SANDBOX_SMS.secret,
      signName: SANDBOX_SMS.signName,
      apiBase: await smsSimulator.listen(0, '127.0.0.1'),
    };
  }
  const smsProvider = smsConfig
    ? createAliyunSmsProvider({ ...smsConfig, apiBase: smsConfig.apiBase ?? DEFAULT_SMS_API_BASE })
    : undefined;
  if (smsProvider) {
    // The code itself is answered only with the in-process simulator (as the citizen sandbox login).
    const template = notificationsConfig.verification?.sms ?? DEFAULT_SMS_CODE_TEMPLATE;
    phoneBinding.codes.useSms(smsProvider, template, {
      sandboxCodes: config.env !== 'production' && smsSimulator !== undefined,
    });
  }
  const onSubscribe = subscribeEventHandler(notifications, (openid) =>
    identityRepo.citizenIdByOpenid(config.wechat.appId, openid),
  );
  const oa = await openOaSystems(config.oaFile, { embedded: config.embedded });
  const integration = createIntegration({
    config,
    db,
    cache: infra.cache,
    log,
    identities,
    audit: (entry) => auditLog.append(entry),
    admins: () => org.holdersOf('system-admin'),
    jobTitle: (job) => scheduler.titleOf(job) ?? job,
    serviceName: (code) => catalog.get(code)?.definition.name ?? code,
    caseData: (caseId) => caseRecords.clearData(caseId),
    workflow,
    ...(dingtalkClient
      ? {
          dingtalk: {
            client: dingtalkClient,
            apiBase: dingtalkV1Base,
            ...(dingtalkSimulator ? { simulator: dingtalkSimulator } : {}),
          },
        }
      : {}),
    ...(wecomClient
      ? { wecom: { client: wecomClient, ...(wecomSimulator ? { simulator: wecomSimulator } : {}) } }
      : {}),
    ...(simulator ? { wechatSimulator: simulator } : {}),
    oa,
    publicUrl: () => publicUrl,
    extra: {
      routes: [
        citizenNotificationRoute({
          config: notificationsConfig,
          service: notifications,
          serviceName: (code) => catalog.get(code)?.definition.name ?? code,
          contactPhone,
          openidOf,
          smsEnabled: smsProvider !== undefined,
        }),
        offerNotificationRoute({
          config: notificationsConfig,
          service: notifications,
          openidOf,
          citizenPhone: (id) => phoneBinding.phoneOf(id),
          smsEnabled: smsProvider !== undefined,
        }),
      ],
      senders: [
        wechatSubscribeSender(wechatClient, openidOf),
        ...(smsProvider ? [smsSender(smsProvider, contactPhone, (id) => phoneBinding.phoneOf(id))] : []),
      ],
      handlers: (h) =>
        h
          .on('wechat', 'subscribe_msg_popup_event', onSubscribe)
          .on('wechat', 'subscribe_msg_change_event', onSubscribe)
          .on('wechat', 'subscribe_msg_sent_event', onSubscribe),
    },
  });
  integration.registerJobs(scheduler);
  scheduler.register(
    redriveJob({
      db,
      inbox: integration.inbox,
      destinations: () => integration.senders.map((x) => x.destination),
    }),
  );
  scheduler.register(deadlinesJob(() => timers.tick()));
  if (profileDeps && proactive) {
    for (const job of proactiveJobs({
      db,
      profile: profileDeps,
      policies,
      proactive,
      boundIdNumbers: (after, limit) => profiles!.boundIdNumbers(after, limit),
    }))
      scheduler.register(job);
  }
  for (const job of housekeepingJobs({
    db,
    blobs,
    dataDir: config.dataDir,
    auditPublicKeys: [auditSigner.publicKeyHex],
  }))
    scheduler.register(job);
  if (dingtalkClient) {
    scheduler.register(
      dingtalkTodoReconcileJob({
        db,
        client: dingtalkClient,
        unionIdOf: async (staffId) =>
          (await identities.identitiesOf(staffId)).find((i) => i.provider === 'dingtalk')?.union_id ??
          undefined,
        serviceName: (code) => catalog.get(code)?.definition.name ?? code,
        staffPagesBase: () => publicUrl,
      }),
    );
  }
  driftRoutes(api, db);
  integration.adminRoutes(api);
  // Delivery of outbox messages to the outside systems (one worker per instance, leases across them).
  const deliveries = new DeliveryWorker(db, integration.routes, integration.senders, {
    name: `${hostname()}:${process.pid}`,
    sharedRateLimit: infra.rateLimiters,
    log,
  });
  deliveryRoutes(api, new DeliveryAdmin(db, { breakerStates: () => deliveries.breakerStates() }));
  orgAdminRoutes(api, orgSync, orgSources);
  staffIdentityRoutes(api, db, identities, (id) => org.staff(id) !== undefined);
  if (config.env !== 'production') {
    staffSandboxRoutes(api, identity, (id) => org.staff(id) !== undefined, loginLimit, staffSessions);
    if (simulator) {
      const sim = simulator;
      citizenSandboxRoutes(api, identity, wechat, (openid) => sim.mintLoginCode(openid), loginLimit);
      citizenSandboxPhoneRoutes(api, openidOf, (openid, phone) => sim.mintPhoneCode(openid, phone));
    }
  }
  let openapi: ReturnType<typeof buildOpenApi> | undefined;
  registry.define({
    method: 'get',
    path: `${API_PREFIX}/openapi.json`,
    operationId: 'openapi',
    summary: '本接口文档（OpenAPI 3.1）',
    tags: ['ops'],
    auth: 'none',
    responses: {
      200: { description: 'OpenAPI 3.1 文档', schema: { type: 'object', required: ['openapi', 'paths'] } },
    },
    handler: async (ctx) => {
      openapi ??= buildOpenApi(registry, { title: 'G-CRM Gateway API', version: '1.0.0' });
      ctx.body = openapi;
      ctx.set('Cache-Control', 'public, max-age=300');
    },
  });

  const router = new Router();
  registry.mount(router);
  const app = new Koa({ proxy: config.http.trustProxy });
  let shuttingDown = false;
  app.use(requestContext(log));
  app.use(errorHandler(log));
  app.use(async (ctx, next) => {
    // While draining, tell keep-alive clients to reconnect elsewhere instead of reusing this socket.
    if (shuttingDown) ctx.set('Connection', 'close');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  // Platform callbacks read raw bodies and answer in the platforms' own formats, before the JSON API.
  app.use(integration.callbacks);
  // The H5 app (citizen and staff pages) from the same origin as the API.
  app.use(webApp(config.webDir));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', () => {
    // errorHandler has answered and logged; Koa's default would print the error (and its message).
  });

  if (config.demoData) {
    const applicant =
      profiles && proactive && profileDeps && deptData.population && deptData.simulators.health
        ? await seedDemoProfile({
            identityRepo,
            appId: config.wechat.appId,
            profiles,
            proactive,
            profile: profileDeps,
            population: deptData.population,
            health: deptData.simulators.health,
            log,
          })
        : undefined;
    await seedDemoData({
      cases,
      identityRepo,
      appId: config.wechat.appId,
      workflow,
      aftercare,
      ...(applicant ? { applicant } : {}),
    });
  }

  timers.start();
  if (config.scheduler.enabled) await scheduler.start();
  const server = createServer(app.callback());
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  publicUrl = url;
  await integration.start(url);
  deliveries.start();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets become idle as their last response ends; close each as soon as it does.
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, config.http.shutdownTimeoutMs);
      });
      await Promise.race([drained, deadline]);
      clearInterval(sweeper);
      clearTimeout(timer);
      server.closeAllConnections();
      catalog.stop();
      policies.stop();
      clearInterval(keyRefresh);
      await timers.stop();
      await scheduler.stop(config.http.shutdownTimeoutMs);
      await deliveries.stop(config.http.shutdownTimeoutMs);
      await integration.stop();
      await oa.close();
      await deptData.close();
      await smsSimulator?.close();
      await simulator?.close();
      await dingtalkSimulator?.close();
      await wecomSimulator?.close();
      await infra.close();
    })();
    return closing;
  };

  return {
    url,
    wechatSimulatorUrl: simulator ? wechatBase : undefined,
    wechatSimulator: simulator,
    dingtalkSimulator,
    wecomSimulator,
    oaSimulators: oa.simulators,
    deptData,
    smsSimulator,
    server,
    logger: log,
    close,
  };
}
