import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDingtalkSimulator, type DingtalkSimulator } from '@gcrm/connectors/dingtalk';
import { createWeaverSimulator, type WeaverSimulator } from '@gcrm/connectors/oa';
import { createSmsSimulator, type SmsSimulator } from '@gcrm/connectors/sms';
import { createWechatSimulator, type WechatSimulator } from '@gcrm/connectors/wechat';
import { createWecomSimulator, type WecomSimulator } from '@gcrm/connectors/wecom';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fixtures from '../../gateway/src/materials/testing/fixtures';
import { createDatabase } from '../../gateway/src/platform/db/database';
import { samples } from '../../gateway/test/form-samples';
import {
  createTestEnv,
  deleteRedisPrefix,
  dialect,
  redisUrl,
  type TestEnv,
} from '../../gateway/test/test-env';
import { call } from '../support/http';
import { RestartableGateway, Transient } from '../support/restartable-gateway';
import { freePort, ROOT } from '../support/spawn-gateway';

// Issue 6, fault suite: the 企业开办 sync of business-start-sync.test.ts (市场监管局 on DingTalk with
// todo + approval mirror, 公安局 on WeCom, 税务局 in a Weaver OA, the citizen by WeChat or SMS) for
// many cases at once, with chaos on every simulator and the gateway SIGKILLed several times. The
// simulators live in this process and outlive every kill; the gateway is a child process on one port.

const CASES = Number(process.env.FAULT_CASES ?? 24);
const KILLS = 3;
/** How long chaos stays on; the kills fall inside it. */
const CHAOS_MS = 45_000;
const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CHAOS = {
  errorRate: 0.3,
  latencyMs: { min: 0, max: 150 },
  timeoutRate: 0.02,
  // Past the clients' 5 s timeout: a real timeout, not a slow answer.
  timeoutHoldMs: 6000,
  resetRate: 0.02,
  lostReplyRate: 0.05,
};

const APP = {
  dingtalk: { appKey: 'dingfaultsuite0001', appSecret: `dt-${randomBytes(12).toString('hex')}` },
  wecom: { corpId: 'wwfaultsuite0001', corpSecret: `wc-${randomBytes(12).toString('hex')}` },
  wechat: { appId: 'wxfaultsuite0001', appSecret: `wx-${randomBytes(12).toString('hex')}` },
  sms: { accessKeyId: 'fault-sms-key', accessKeySecret: `sms-${randomBytes(12).toString('hex')}` },
  weaver: { appid: `fault-e9-${randomBytes(4).toString('hex')}` },
};
const CALLBACK = {
  token: randomBytes(12).toString('hex'),
  aesKey: randomBytes(48)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'x')
    .slice(0, 43),
};

/**
 * main.ts has no Redis key prefix setting: every gateway process uses `gcrm:`. Killed processes leave
 * their job leases there (up to a job's maxRunMs), so this suite's gateways get a Redis database of
 * their own, emptied before and after, instead of sharing database 0 with every other run.
 */
const childRedisUrl = redisUrl
  ? (() => {
      const url = new URL(redisUrl);
      url.pathname = `/${process.env.FAULT_REDIS_DB ?? '14'}`;
      return url.toString();
    })()
  : undefined;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Citizen {
  index: number;
  openid: string;
  token: string;
  /** Test range, one per case: the SMS simulator files messages by number. */
  phone: string;
  wechat: boolean;
  caseId?: string;
  caseNumber?: string;
  status?: string;
}

describe(`企业开办 sync under chaos and SIGKILL (${dialect})`, () => {
  let env: TestEnv;
  let gw: RestartableGateway;
  let dingtalk: DingtalkSimulator;
  let wecom: WecomSimulator;
  let wechat: WechatSimulator;
  let sms: SmsSimulator;
  let weaver: WeaverSimulator;
  const sims = () => [dingtalk, wecom, wechat, sms, weaver] as const;

  beforeAll(async () => {
    dingtalk = createDingtalkSimulator({ ...APP.dingtalk });
    wecom = createWecomSimulator({ ...APP.wecom });
    wechat = createWechatSimulator({ ...APP.wechat });
    // One number per citizen, three messages each: the flow control must not be what the suite measures.
    sms = createSmsSimulator({ ...APP.sms, limits: { perMinute: 50, perHour: 50, perDay: 50 } });
    weaver = createWeaverSimulator({
      appid: APP.weaver.appid,
      users: { '1': '集成账号1' },
      workflows: { '2046': { creators: ['1'] } },
    });
    const [dingtalkUrl, wecomUrl, wechatUrl, smsUrl, weaverUrl] = await Promise.all(
      sims().map((s) => s.listen(0, '127.0.0.1')),
    );
    wechat.addPages(['pages/cases/detail']);

    const port = await freePort();
    env = await createTestEnv({
      ...(childRedisUrl ? { REDIS_URL: childRedisUrl } : {}),
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DINGTALK_APP_KEY: APP.dingtalk.appKey,
      DINGTALK_APP_SECRET: APP.dingtalk.appSecret,
      DINGTALK_OAPI_BASE: dingtalkUrl!,
      DINGTALK_API_BASE: dingtalkUrl!,
      DINGTALK_AGENT_ID: '3000000001',
      DINGTALK_CALLBACK_TOKEN: CALLBACK.token,
      DINGTALK_CALLBACK_AES_KEY: CALLBACK.aesKey,
      DINGTALK_APPROVAL_PROCESS_CODE: 'PROC-GCRM-FAULT',
      WECOM_CORP_ID: APP.wecom.corpId,
      WECOM_SECRET: APP.wecom.corpSecret,
      WECOM_AGENT_ID: '1000002',
      WECOM_API_BASE: wecomUrl!,
      WECHAT_APP_ID: APP.wechat.appId,
      WECHAT_APP_SECRET: APP.wechat.appSecret,
      WECHAT_API_BASE: wechatUrl!,
      SMS_ACCESS_KEY_ID: APP.sms.accessKeyId,
      SMS_ACCESS_KEY_SECRET: APP.sms.accessKeySecret,
      SMS_SIGN_NAME: '政务服务中心',
      SMS_API_BASE: smsUrl!,
      OA_TAX_E9_APPID: APP.weaver.appid,
    });
    const oaFile = JSON.parse(readFileSync(join(ROOT, 'config', 'oa.json'), 'utf8'));
    oaFile.systems['tax-e9'].baseUrl = weaverUrl;
    env.env.OA_FILE = join(env.dataDir, 'oa.json');
    writeFileSync(env.env.OA_FILE, JSON.stringify(oaFile, null, 2));

    if (childRedisUrl) await deleteRedisPrefix(childRedisUrl, 'gcrm:');
    gw = new RestartableGateway(env.env, `http://127.0.0.1:${port}`);
    await gw.start();
    // What integration.start() does for an in-process simulator: DingTalk checks the URL, then pushes.
    const check = await dingtalk.registerCallbackUrl({
      url: `${gw.url}/callbacks/dingtalk`,
      token: CALLBACK.token,
      aesKey: CALLBACK.aesKey,
      ownerKey: APP.dingtalk.appKey,
    });
    expect(check.ok, JSON.stringify(check)).toBe(true);
  }, 120_000);

  afterAll(async () => {
    for (const s of sims()) s?.chaos(null);
    await gw?.stop();
    // What the gateway processes printed (LOG_LEVEL=warn), kept for a failure's post-mortem.
    if (gw) writeFileSync(join(tmpdir(), `sync-fault-gateway-${dialect}.log`), gw.output());
    await Promise.all(sims().map((s) => s?.close()));
    await env?.cleanup();
    if (childRedisUrl) await deleteRedisPrefix(childRedisUrl, 'gcrm:');
  });

  const staffTokens = new Map<string, string>();
  const staffLogin = async (staffId: string) => {
    const res = await gw.call('/api/v1/auth/staff/sandbox', { body: { staffId } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    staffTokens.set(staffId, res.body.accessToken);
    return res.body.accessToken as string;
  };
  /**
   * A staff request. Without Redis, staff sessions live in the process cache (staff-sessions.ts), so
   * a restarted gateway has forgotten them: sign in again, as a person would, and repeat.
   */
  const asStaff = async (
    staffId: string,
    path: string,
    init: Parameters<RestartableGateway['call']>[1] = {},
  ) => {
    const token = staffTokens.get(staffId) ?? (await staffLogin(staffId));
    const first = await gw.call(path, { ...init, token });
    if (first.status !== 401) return first;
    relogins += 1;
    return gw.call(path, { ...init, token: await staffLogin(staffId) });
  };
  let relogins = 0;

  it('delivers every event exactly once in effect, completes every case and dead-letters nothing retryable', async () => {
    const t0 = Date.now();
    const admin = 'st-admin-system';
    const links: [string, 'dingtalk' | 'wecom', string, string?][] = [
      ['st-amr-clerk-1', 'dingtalk', 'liuyang', 'u-liuyang'],
      ['st-amr-clerk-2', 'dingtalk', 'lina', 'u-lina'],
      ['st-amr-approver-1', 'dingtalk', 'wangfang', 'u-wangfang'],
      ['st-amr-head', 'dingtalk', 'zhangwei', 'u-zhangwei'],
      ['st-ps-clerk-1', 'wecom', 'LiuYang'],
      ['st-ps-clerk-2', 'wecom', 'LiNa'],
    ];
    for (const [staffId, provider, externalId, unionId] of links) {
      const linked = await asStaff(
        'st-admin-security',
        `/api/v1/admin/staff/${staffId}/identities/${provider}`,
        {
          method: 'PUT',
          body: { externalId, ...(unionId ? { unionId } : {}) },
        },
      );
      expect(linked.status, JSON.stringify(linked.body)).toBeLessThan(300);
    }

    // Citizens: logged in and (every other one) consenting to WeChat 受理/办结 messages before the storm.
    const citizens: Citizen[] = [];
    for (let index = 0; index < CASES; index++) {
      const openid = `o-fault-${index}-${randomUUID()}`;
      const login = await gw.call('/api/v1/auth/wechat', { body: { code: wechat.mintLoginCode(openid) } });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      const c: Citizen = {
        index,
        openid,
        token: login.body.accessToken,
        phone: `1300000${String(1000 + index).padStart(4, '0')}`,
        wechat: index % 2 === 0,
      };
      if (c.wechat) {
        for (const template of ['sim-tpl-case-accepted', 'sim-tpl-case-closed'])
          wechat.addSubscription(openid, template);
        const consent = await gw.call('/api/v1/me/subscriptions', {
          token: c.token,
          body: {
            'sim-tpl-case-accepted': 'accept',
            'sim-tpl-case-closed': 'accept',
            'sim-tpl-rating-invite': 'reject',
          },
        });
        expect(consent.status, JSON.stringify(consent.body)).toBeLessThan(300);
      }
      citizens.push(c);
    }

    // The storm: chaos on every simulator, each with its own seed.
    for (const [i, s] of sims().entries()) {
      s.chaos({
        ...CHAOS,
        seed: SEED + i,
        ...(s === dingtalk ? { duplicateRate: 0.1, reorderWindowMs: 300 } : {}),
      });
    }
    const chaosStart = Date.now();
    const countsAtEnd: Record<string, unknown> = {};

    async function upload(c: Citizen, field: string) {
      return gw.retry(async () => {
        const body = new FormData();
        body.append('file', new Blob([fixtures.pdf(`${field} ${randomUUID()}`)]), `${field}.pdf`);
        const res = await fetch(
          `${gw.url}/api/v1/materials?serviceCode=bundle.business-start&field=${field}`,
          { method: 'POST', headers: { authorization: `Bearer ${c.token}` }, body },
        );
        if (res.status >= 500) throw new Transient(`materials: ${res.status}`);
        expect(res.status).toBe(201);
        const up = (await res.json()) as { id: string };
        return [{ id: up.id, name: `${field}.pdf` }];
      });
    }

    async function submit(c: Citizen) {
      const { acceptingDepartment, assignedStaff, socialInsuranceStartMonth, housingFundRate, ...form } =
        samples['business-start@1']!;
      const idempotencyKey = randomUUID();
      const formData = {
        ...form,
        legalRepPhone: c.phone,
        financeContactPhone: c.phone,
        applicantPhone: c.phone,
        selectedItems: ['name-declaration', 'establishment', 'seal', 'tax'],
        sealPickup: '窗口领取',
        leaseContract: await upload(c, 'leaseContract'),
        powerOfAttorney: await upload(c, 'powerOfAttorney'),
      };
      const submitted = await gw.call('/api/v1/cases', {
        token: c.token,
        headers: { 'idempotency-key': idempotencyKey },
        body: { serviceCode: 'bundle.business-start', channel: 'wechat', formData },
      });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
      c.caseId = submitted.body.id;
      c.caseNumber = submitted.body.caseNumber;
    }

    // Submissions trickle in over the first part of the storm.
    const submitting = (async () => {
      for (const c of citizens) {
        await submit(c);
        await sleep(400);
      }
    })();

    // Kills at random points, one in each third of the chaos window's first 40 s.
    const killedAt: number[] = [];
    const killing = (async () => {
      for (let k = 0; k < KILLS; k++) {
        const at = chaosStart + 4000 + k * 12_000 + Math.floor(Math.random() * 8000);
        await sleep(Math.max(0, at - Date.now()));
        killedAt.push(Math.round((Date.now() - chaosStart) / 100) / 10);
        await gw.killAndRestart();
      }
    })();

    // The people and the OA: decide whatever shows up in the simulators for our cases.
    const decided = {
      approvals: new Set<string>(),
      wecomTasks: new Set<string>(),
      oaDocs: new Set<string>(),
    };
    const approvalsByStep = new Map<string, string[]>(); // caseNumber + step → instance ids
    const finishedApprovals = new Set<string>();
    const ourNumbers = () => citizens.flatMap((c) => (c.caseNumber ? [c.caseNumber] : []));
    let stopDriving = false;
    let driverFailure: unknown;
    const check = () => {
      if (driverFailure) throw driverFailure;
    };
    let lastPoll = 0;
    const polls = { started: 0, busy: 0 };
    let lastStatus = 0;
    const driving = (async () => {
      while (!stopDriving) {
        const numbers = ourNumbers();
        // DingTalk approvals (窗口受理, 设立登记经办, 核准…): agreed by whoever holds the open task.
        const started = new Set(
          dingtalk
            .events()
            .filter((e) => e.eventType === 'bpms_instance_change' && e.data.type === 'start')
            .map((e) => String(e.data.processInstanceId)),
        );
        for (const id of started) {
          if (decided.approvals.has(id) || finishedApprovals.has(id)) continue;
          const i = (await call(`${dingtalk.url}/__sandbox/approvals/${id}`)).body as {
            status: string;
            title?: string;
            tasks: { userId: string; status: string }[];
          };
          const text = JSON.stringify(i);
          const caseNumber = numbers.find((n) => text.includes(n));
          if (!caseNumber) continue;
          if (i.status !== 'RUNNING') {
            finishedApprovals.add(id);
            continue;
          }
          const open = i.tasks.find((task) => task.status === 'RUNNING');
          if (!open) continue;
          // One task per assignee: the same step for another person is another approval, not a copy.
          const key = `${caseNumber} ${text.includes('核准') ? '核准' : text.includes('经办') ? '经办' : '受理'} ${i.tasks
            .map((task) => task.userId)
            .sort()
            .join(',')}`;
          approvalsByStep.set(key, [...(approvalsByStep.get(key) ?? []), id]);
          // A refusal by the simulator (the step moved on meanwhile) is looked at again next round.
          if (
            dingtalk.decideApproval(id, { userid: open.userId, result: 'agree', remark: '同意' }) ===
            undefined
          )
            decided.approvals.add(id);
        }
        // WeCom task cards (公安局 刻章备案): the clerk opens the link and approves in the staff page.
        for (const m of wecom.messages().messages) {
          const text = JSON.stringify(m);
          if (!numbers.some((n) => text.includes(n))) continue;
          const taskId = /\/staff\/tasks\/([0-9a-f-]{36})/.exec(text)?.[1];
          if (!taskId || decided.wecomTasks.has(taskId)) continue;
          const done = await asStaff('st-ps-clerk-1', `/api/v1/staff/tasks/${taskId}/approve`, {
            body: { comment: '准予备案' },
          });
          // 409: approved already (an answer lost in a kill, or a second card for the same task).
          expect([200, 409], JSON.stringify(done.body)).toContain(done.status);
          decided.wecomTasks.add(taskId);
        }
        // 税务局 in its Weaver OA; the result comes back through the oa.poll job.
        for (const doc of weaver.documents()) {
          if (doc.state !== 'running' || decided.oaDocs.has(doc.externalId)) continue;
          if (!numbers.some((n) => doc.subject.includes(n))) continue;
          weaver.decide(doc.externalId, { result: 'approved', opinion: '已办理新办纳税人套餐' });
          decided.oaDocs.add(doc.externalId);
        }
        if (Date.now() - lastPoll > 2000 && decided.oaDocs.size > 0) {
          lastPoll = Date.now();
          const run = await asStaff(admin, '/api/v1/admin/jobs/oa.poll/run', {
            method: 'POST',
            body: {},
          });
          // 409 job_running: a run is under way (or a killed instance's lock has not expired yet).
          expect([200, 201, 202, 409], JSON.stringify(run.body)).toContain(run.status);
          polls[run.status === 409 ? 'busy' : 'started'] += 1;
        }
        if (Date.now() - lastStatus > 1500) {
          lastStatus = Date.now();
          for (const c of citizens) {
            if (!c.caseId || c.status === 'completed') continue;
            const res = await gw.call(`/api/v1/cases/${c.caseId}`, { token: c.token });
            c.status = res.body.status;
          }
        }
        await sleep(300);
      }
    })().catch((error) => {
      driverFailure = error;
    });

    await Promise.all([submitting, killing]);
    await sleep(Math.max(0, chaosStart + CHAOS_MS - Date.now()));
    for (const [name, s] of [
      ['dingtalk', dingtalk],
      ['wecom', wecom],
      ['wechat', wechat],
      ['sms', sms],
      ['weaver', weaver],
    ] as const) {
      countsAtEnd[name] = s.chaosControl.get().counts;
      s.chaos(null);
    }
    const chaosEnd = Date.now();

    // Recovery: every case completes, then nothing is left pending anywhere. A DingTalk decision whose
    // push gave up while the gateway was down comes back through the approval reconcile job, which in
    // production runs every 10 minutes; here it is run every few seconds.
    const deadline = Date.now() + 150_000;
    let lastReconcile = 0;
    let reconcileRuns = 0;
    while (citizens.some((c) => c.status !== 'completed') && Date.now() < deadline) {
      check();
      if (Date.now() - lastReconcile > 5000) {
        lastReconcile = Date.now();
        const run = await asStaff(admin, '/api/v1/admin/jobs/reconcile.dingtalk.approvals/run', {
          method: 'POST',
          body: {},
        });
        expect([202, 409], JSON.stringify(run.body)).toContain(run.status);
        if (run.status === 202) reconcileRuns++;
      }
      await sleep(500);
    }
    const completedAt = Date.now();
    const pendingDeliveries = async () =>
      (await asStaff(admin, '/api/v1/admin/deliveries?status=pending&limit=200')).body.items as {
        id: string;
        destination: string;
        attempts: number;
        lastError?: string;
      }[];
    const pendingInbox = async () =>
      (await asStaff(admin, '/api/v1/admin/inbox?status=pending&limit=100')).body.items as {
        attempts: number;
        lastError: string | null;
      }[];
    let lastRedrive = 0;
    while (Date.now() < deadline) {
      check();
      // Rows still waiting out a backoff sized for an outage: the re-drive job (every 5 minutes in
      // production) sends them now that the platforms answer again.
      if (Date.now() - lastRedrive > 5000) {
        lastRedrive = Date.now();
        const run = await asStaff(admin, '/api/v1/admin/jobs/reconcile.redrive/run', {
          method: 'POST',
          body: {},
        });
        expect([202, 409], JSON.stringify(run.body)).toContain(run.status);
      }
      const [d, i] = [await pendingDeliveries(), await pendingInbox()];
      // An event refused by the audit log fails the same way on every retry: report it now rather
      // than after its backoff (an event that failed under chaos is only late: wait for it).
      const stuck = i.some((e) => e.lastError === 'AuditEntryError' && e.attempts >= 2);
      if (d.length === 0 && (i.length === 0 || stuck)) break;
      await sleep(1000);
    }
    stopDriving = true;
    await driving;
    check();

    // Every delivery, for the summary (retries) and the dead-letter check.
    const all: { id: string; destination: string; status: string; attempts: number; lastError?: string }[] =
      [];
    for (let cursor: string | undefined; ; ) {
      const page = await asStaff(
        admin,
        `/api/v1/admin/deliveries?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    const byDestination: Record<
      string,
      { n: number; retried: number; attempts: number; maxAttempts: number }
    > = {};
    for (const d of all) {
      const e = byDestination[d.destination] ?? { n: 0, retried: 0, attempts: 0, maxAttempts: 0 };
      byDestination[d.destination] = e;
      e.n += 1;
      e.attempts += d.attempts;
      if (d.attempts > 1) e.retried += 1;
      e.maxAttempts = Math.max(e.maxAttempts, d.attempts);
    }
    const effects = dingtalk.todoEffects();
    const documents = weaver.documentEffects();
    const notices = citizens.map((c) => {
      const wx = wechat.subscribeMessages(c.openid).map((m) => m.templateId);
      const text = sms.messages(c.phone).map((m) => m.templateCode);
      const count = (tpl: string, code: string) =>
        wx.filter((t) => t === tpl).length + text.filter((t) => t === code).length;
      return {
        c,
        accepted: count('sim-tpl-case-accepted', 'SMS_CASE_ACCEPTED'),
        closed: count('sim-tpl-case-closed', 'SMS_CASE_CLOSED'),
      };
    });
    const duplicateApprovals = [...approvalsByStep.entries()].filter(([, ids]) => ids.length > 1);
    const cards = new Map<string, number>();
    for (const m of wecom.messages().messages) {
      const taskId = /\/staff\/tasks\/([0-9a-f-]{36})/.exec(JSON.stringify(m))?.[1];
      if (taskId) cards.set(taskId, (cards.get(taskId) ?? 0) + 1);
    }
    console.log(
      [
        `sync fault suite (${dialect}, seed ${SEED}): ${CASES} cases, ${gw.kills} SIGKILLs (at ${killedAt.join(', ')} s), ` +
          `gateway start ${gw.startMs.join('/')} ms, driver retries ${gw.retries}, staff re-logins ${relogins}`,
        `  chaos ${Math.round((chaosEnd - chaosStart) / 1000)} s; all completed ${Math.round((completedAt - chaosStart) / 1000)} s after it began; total ${Math.round((Date.now() - t0) / 1000)} s`,
        ...Object.entries(countsAtEnd).map(([name, c]) => `  chaos ${name}: ${JSON.stringify(c)}`),
        ...Object.entries(byDestination).map(
          ([d, e]) =>
            `  deliveries ${d}: ${e.n} rows, ${e.retried} retried, ${e.attempts} attempts, max ${e.maxAttempts}`,
        ),
        `  DingTalk todos: ${Object.keys(effects).length} sourceIds, duplicate creates refused ${Object.values(effects).reduce((n, e) => n + e.duplicateRejected, 0)}, removed (task cancelled) ${Object.values(effects).filter((e) => e.existing === 0).length}`,
        `  DingTalk approvals: ${decided.approvals.size} decided, tasks with a second instance (lost create answer) ${duplicateApprovals.length}`,
        `  WeCom cards: ${cards.size} tasks, duplicate cards ${[...cards.values()].filter((n) => n > 1).length}`,
        `  oa.poll runs: ${polls.started} started, ${polls.busy} refused as running (job lease held); approval reconcile runs after chaos: ${reconcileRuns}`,
        `  OA documents: ${Object.keys(documents).length}, created ${Object.values(documents).reduce((n, e) => n + e.created, 0)}`,
        `  case statuses: ${JSON.stringify(Object.fromEntries([...new Set(citizens.map((c) => c.status))].map((st) => [st, citizens.filter((c) => c.status === st).length])))}`,
        `  citizen notices: duplicates 受理 ${notices.filter((n) => n.accepted > 1).length}, 办结 ${notices.filter((n) => n.closed > 1).length}`,
      ].join('\n'),
    );

    const dead = all.filter((d) => d.status === 'dead');
    for (const d of dead) {
      const taskId = JSON.stringify(d).match(/"taskId":"([0-9a-f-]{36})"/)?.[1];
      console.log(`dead delivery ${JSON.stringify(d)}`);
      if (!taskId) continue;
      const database = createDatabase(env.config.database);
      try {
        const task = await (database.db as Kysely<any>)
          .selectFrom('wf_tasks')
          .selectAll()
          .where('id', '=', taskId)
          .executeTakeFirst();
        const siblings = await (database.db as Kysely<any>)
          .selectFrom('wf_tasks')
          .select(['id', 'node_name', 'status', 'outcome', 'assignee_id', 'completed_at'])
          .where('node_instance_id', '=', task?.node_instance_id ?? '')
          .execute();
        console.log(`  task ${JSON.stringify(task)}\n  node's tasks ${JSON.stringify(siblings)}`);
      } finally {
        await database.close();
      }
    }
    // Every case is done.
    expect(
      citizens.filter((c) => c.status !== 'completed').map((c) => `${c.caseNumber}: ${c.status}`),
    ).toEqual([]);
    // The dead-letter queue holds no retryable failure, and nothing is left pending.
    expect(dead.map((d) => `${d.destination} after ${d.attempts}: ${d.lastError}`)).toEqual([]);
    expect(all.filter((d) => d.status === 'pending').map((d) => d.destination)).toEqual([]);
    const inboxDead = await asStaff(admin, '/api/v1/admin/inbox?status=dead');
    expect(inboxDead.body.items).toEqual([]);
    // (lastError AuditEntryError: the audit record of a DingTalk decision was refused because a UUID
    // in it looked like a mobile number to the audit PII scan; see the closing note of issue 6.)
    expect(await pendingInbox(), 'inbox events still pending').toEqual([]);
    // DingTalk: each task's todo was created exactly once; it still exists (done) when its task was
    // completed, and is gone when the task was cancelled (the other assignee of an any-one step
    // decided first: dingtalk-todo.ts deletes the todo on task.cancelled).
    expect(Object.keys(effects).length).toBeGreaterThanOrEqual(CASES * 3);
    const taskStatus = new Map<string, string>();
    const database = createDatabase(env.config.database);
    try {
      for (const t of await (database.db as Kysely<any>)
        .selectFrom('wf_tasks')
        .select(['id', 'status'])
        .execute())
        taskStatus.set(t.id as string, t.status as string);
    } finally {
      await database.close();
    }
    const notOnce = Object.entries(effects).flatMap(([sourceId, e]) => {
      const status = taskStatus.get(sourceId);
      const existing = status === 'cancelled' ? 0 : 1;
      return e.created === 1 && e.existing === existing && status !== undefined
        ? []
        : [{ sourceId, ...e, taskStatus: status }];
    });
    expect(notOnce, 'DingTalk todos not exactly once').toEqual([]);
    expect(dingtalk.todos().filter((t) => t.done !== true)).toEqual([]);
    // The tax OA: one document per case.
    for (const c of citizens) {
      const keys = Object.entries(documents).filter(([key]) => key.includes(c.caseNumber!));
      expect(
        keys.map(([, e]) => e.created),
        `OA documents of ${c.caseNumber}`,
      ).toEqual([1]);
    }
    // Citizens: 受理 and 办结, each at least once (WeChat or SMS).
    expect(notices.filter((n) => n.accepted < 1 || n.closed < 1).map((n) => n.c.caseNumber)).toEqual([]);
    // And the gateway never logged a clear ID or phone number, whatever went wrong.
    expect(gw.leaks()).toEqual([]);
  }, 420_000);
});
