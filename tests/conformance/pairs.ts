// The connector + simulator pairs the conformance suite runs every contract against (one row each).
import {
  createDingtalkClient,
  createDingtalkSimulator,
  createMemoryTokenCache as dingtalkTokenCache,
} from '@gcrm/connectors/dingtalk';
import {
  createGenericOaConnector,
  createGenericOaSimulator,
  createLandrayConnector,
  createLandraySimulator,
  createSeeyonConnector,
  createSeeyonSimulator,
  createWeaverConnector,
  createWeaverSimulator,
} from '@gcrm/connectors/oa';
import { createAliyunSmsProvider, createSmsSimulator } from '@gcrm/connectors/sms';
import {
  createWechatClient,
  createWechatSimulator,
  createMemoryTokenCache as wechatTokenCache,
} from '@gcrm/connectors/wechat';
import {
  createWecomClient,
  createWecomSimulator,
  createMemoryTokenCache as wecomTokenCache,
} from '@gcrm/connectors/wecom';
import { expect } from 'vitest';
import type { ChaosSettings } from '../../connectors/core/simulator/chaos';
import { sampleCase } from '../../connectors/oa/testing';

/** Client timeout of every connector in the suite: chaos timeouts must surface quickly. */
export const CLIENT_TIMEOUT_MS = 400;

/** A raw answer from the wire. */
export interface Raw {
  status: number;
  text: string;
  json: Record<string, unknown> | null;
}

export async function raw(url: string, init: RequestInit = {}): Promise<Raw> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      json = value as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

/** What the suite needs of a simulator. */
interface Sim {
  chaos(options: Partial<ChaosSettings> | null): void;
  stats(): { total: number; byPath: Record<string, number> };
  close(): Promise<void>;
}

export type Kind = 'retryable' | 'rateLimited' | 'permanent' | 'tokenStale' | string;

/** The connector's own classification of an error: its `kind`, else `retryable`, else permanent. */
export function kindOf(error: unknown): Kind {
  const e = error as { kind?: unknown; retryable?: unknown };
  if (typeof e?.kind === 'string') return e.kind;
  return e?.retryable === true ? 'retryable' : 'permanent';
}

export interface Pair {
  name: string;
  base: string;
  sim: Sim;
  /** One connector call that reaches a non-token wire path (each call is a fresh effect). */
  call(): Promise<unknown>;
  /** The wire path `call` ends on (for faults). */
  callPath: string;
  /** Token handling; absent when the platform signs each request instead (SMS, Landray, generic OA). */
  token?: {
    /** Token requests the simulator saw. */
    fetches(): number;
    /** Make the simulator expire / invalidate what it issued. */
    expire(): void;
  };
  /** Arrange that the next `call` gets the platform's rate-limit answer. */
  rateLimitNext(): Promise<void> | void;
  /** A platform error straight from the wire, checked against the documented shape. */
  checkErrorShape(): Promise<void>;
  /**
   * Where the platform (or the connector) makes a create idempotent: `attempt(key)` creates the thing
   * for `key` (the same request each time), `created(key)` counts what the platform holds for it.
   */
  idempotent?: { attempt(key: string): Promise<unknown>; created(key: string): number };
  /** Do one effect; then `count` answers how often it reached the platform (sandbox GET and object API). */
  effect(): Promise<{ viaSandbox(): Promise<number>; viaObject(): number }>;
}

async function sandboxJson(base: string, path: string): Promise<Record<string, unknown>> {
  const answer = await raw(`${base}${path}`);
  expect(answer.status).toBe(200);
  return answer.json ?? {};
}

const DING = {
  appKey: 'dingsimappkey0001',
  appSecret: 'sim-dingtalk-secret-0123456789abcdef',
  agentId: 3_000_000_001,
};

async function dingtalk(generation: 'oapi' | 'v1'): Promise<Pair> {
  const sim = createDingtalkSimulator(DING);
  const base = await sim.listen(0);
  const client = createDingtalkClient(
    { ...DING, apiBase: base, v1ApiBase: base, timeoutMs: CLIENT_TIMEOUT_MS },
    { tokenCache: dingtalkTokenCache() },
  );
  let n = 0;
  const todo = (sourceId: string) =>
    client.createTodo('u-zhangwei', {
      sourceId,
      subject: `请审核办件 ${sourceId}`,
      executorIds: ['u-lina'],
      detailUrl: {
        appUrl: 'dingtalk://dingtalkclient/page/link?url=x',
        pcUrl: 'https://gcrm.example/cases/1',
      },
    });
  const oapi = generation === 'oapi';
  return {
    name: `dingtalk-${generation}`,
    base,
    sim,
    call: oapi ? () => client.getDepartment(1) : () => todo(`conf-${++n}`),
    callPath: oapi ? '/topapi/v2/department/get' : '/v1.0/todo/users/u-zhangwei/tasks',
    ...(oapi
      ? {}
      : {
          idempotent: {
            attempt: (key: string) => todo(key),
            created: (key: string) => sim.todoEffects()[key]?.created ?? 0,
          },
        }),
    token: {
      fetches: () => {
        const s = sim.stats().byPath;
        return (s['/gettoken'] ?? 0) + (s['/v1.0/oauth2/accessToken'] ?? 0);
      },
      expire: () => sim.advanceClock(7300),
    },
    rateLimitNext: () =>
      sim.setFault({
        path: oapi ? '/topapi/v2/department/get' : '/v1.0/todo/users/u-zhangwei/tasks',
        errcode: 90018,
      }),
    async checkErrorShape() {
      if (oapi) {
        const answer = await raw(`${base}/topapi/v2/department/get?access_token=bogus`, {
          method: 'POST',
          body: JSON.stringify({ dept_id: 1 }),
        });
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ errcode: 88, errmsg: expect.any(String) });
        return;
      }
      const answer = await raw(`${base}/v1.0/todo/users/u-zhangwei/tasks/list`, {
        method: 'POST',
        headers: { 'x-acs-dingtalk-access-token': 'bogus', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.json).toEqual({
        code: expect.any(String),
        message: expect.any(String),
        requestid: expect.any(String),
      });
    },
    async effect() {
      const sourceId = `effect-${++n}`;
      await todo(sourceId);
      return {
        async viaSandbox() {
          const body = await sandboxJson(base, '/__sandbox/effects');
          return (body.todos as Record<string, { created: number }>)[sourceId]?.created ?? 0;
        },
        viaObject: () => sim.todoEffects()[sourceId]?.created ?? 0,
      };
    },
  };
}

const CORP = { corpId: 'wwsimcorp0123456789', corpSecret: 'sim-wecom-secret-0123456789abcdefghijklmno' };

async function wecom(): Promise<Pair> {
  const sim = createWecomSimulator({ ...CORP, callbacks: { timeoutMs: 300, retryDelayMs: 10 } });
  const base = await sim.listen(0);
  const client = createWecomClient(
    { ...CORP, apiBase: base, agentId: 1_000_002, timeoutMs: CLIENT_TIMEOUT_MS },
    { tokenCache: wecomTokenCache() },
  );
  let n = 0;
  const send = (content: string) =>
    client.sendMessage({ touser: ['LiNa'], msgtype: 'text', text: { content } });
  return {
    name: 'wecom',
    base,
    sim,
    call: () => client.listDepartments(),
    callPath: '/cgi-bin/department/list',
    token: {
      fetches: () => sim.stats().byPath['/cgi-bin/gettoken'] ?? 0,
      expire: () => sim.advanceClock(7300),
    },
    rateLimitNext: () => sim.setFault({ path: '/cgi-bin/department/list', errcode: 45009 }),
    async checkErrorShape() {
      const answer = await raw(`${base}/cgi-bin/department/list?access_token=bogus`);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ errcode: expect.any(Number), errmsg: expect.any(String) });
      expect(answer.json?.errcode).not.toBe(0);
    },
    async effect() {
      const content = `办件提醒 ${++n}`;
      await send(content);
      const mine = (list: { messages?: unknown[] }) =>
        (list.messages ?? []).filter((m) => JSON.stringify(m).includes(content)).length;
      return {
        viaSandbox: async () => mine(await sandboxJson(base, '/__sandbox/messages?touser=LiNa')),
        viaObject: () => mine(sim.messages('LiNa') as { messages?: unknown[] }),
      };
    },
  };
}

const WX = { appId: 'wx0123456789abcdef', appSecret: 'sim-secret-0123456789abcdef01234567' };

async function wechat(): Promise<Pair> {
  const sim = createWechatSimulator(WX);
  const base = await sim.listen(0);
  const client = createWechatClient(
    { ...WX, apiBase: base, timeoutMs: CLIENT_TIMEOUT_MS },
    { tokenCache: wechatTokenCache() },
  );
  sim.addTemplate({ templateId: 'TPL-CASE', keys: ['thing1'] });
  sim.mintLoginCode('o-conformance');
  sim.addSubscription('o-conformance', 'TPL-CASE', 1000);
  let n = 0;
  const send = (text: string) =>
    client.sendSubscribeMessage({ touser: 'o-conformance', templateId: 'TPL-CASE', data: { thing1: text } });
  return {
    name: 'wechat',
    base,
    sim,
    call: () => send(`办件进度${++n}`),
    callPath: '/cgi-bin/message/subscribe/send',
    token: {
      fetches: () => {
        const s = sim.stats().byPath;
        return (s['/cgi-bin/token'] ?? 0) + (s['/cgi-bin/stable_token'] ?? 0);
      },
      expire: () => sim.advanceClock(7300),
    },
    rateLimitNext: () => sim.setFault({ path: '/cgi-bin/message/subscribe/send', errcode: 45011 }),
    async checkErrorShape() {
      const answer = await raw(`${base}/cgi-bin/message/subscribe/send?access_token=bogus`, {
        method: 'POST',
        body: JSON.stringify({ touser: 'o-conformance', template_id: 'TPL-CASE', data: {} }),
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ errcode: expect.any(Number), errmsg: expect.any(String) });
      expect(answer.json?.errcode).not.toBe(0);
    },
    async effect() {
      const text = `效果${++n}`;
      await send(text);
      const mine = (list: unknown[]) => list.filter((m) => JSON.stringify(m).includes(text)).length;
      return {
        viaSandbox: async () =>
          mine(
            ((await sandboxJson(base, '/__sandbox/subscribe-messages?touser=o-conformance')).messages ??
              []) as unknown[],
          ),
        viaObject: () => mine(sim.subscribeMessages('o-conformance') as unknown[]),
      };
    },
  };
}

/** The same WeChat simulator through `getuserphonenumber`: each call exchanges a freshly minted code. */
async function wechatPhone(): Promise<Pair> {
  const sim = createWechatSimulator(WX);
  const base = await sim.listen(0);
  const client = createWechatClient(
    { ...WX, apiBase: base, timeoutMs: CLIENT_TIMEOUT_MS },
    { tokenCache: wechatTokenCache() },
  );
  // Fictitious number (139 0000 xxxx); the openid names the effect.
  let n = 0;
  const exchange = (openid = 'o-conformance-phone') =>
    client.getPhoneNumber(sim.mintPhoneCode(openid, '13900000042'), { openid });
  return {
    name: 'wechat-phone',
    base,
    sim,
    call: () => exchange(),
    callPath: '/wxa/business/getuserphonenumber',
    token: {
      fetches: () => {
        const s = sim.stats().byPath;
        return (s['/cgi-bin/token'] ?? 0) + (s['/cgi-bin/stable_token'] ?? 0);
      },
      expire: () => sim.advanceClock(7300),
    },
    rateLimitNext: () => sim.setFault({ path: '/wxa/business/getuserphonenumber', errcode: 45011 }),
    async checkErrorShape() {
      const answer = await raw(`${base}/wxa/business/getuserphonenumber?access_token=bogus`, {
        method: 'POST',
        body: JSON.stringify({ code: 'x' }),
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ errcode: expect.any(Number), errmsg: expect.any(String) });
      expect(answer.json?.errcode).not.toBe(0);
    },
    async effect() {
      const openid = `o-phone-effect-${++n}`;
      await exchange(openid);
      return {
        viaSandbox: async () =>
          ((await sandboxJson(base, `/__sandbox/phone-exchanges?openid=${openid}`)).exchanges as unknown[])
            .length,
        viaObject: () => sim.phoneExchanges(openid).length,
      };
    },
  };
}

const SMS_KEYS = { accessKeyId: 'LTAI-sim-id', accessKeySecret: 'sim-secret-0123456789' };

async function sms(): Promise<Pair> {
  const sim = createSmsSimulator(SMS_KEYS);
  const base = await sim.listen(0);
  const provider = createAliyunSmsProvider(
    { ...SMS_KEYS, signName: '政务服务中心', apiBase: base, timeoutMs: CLIENT_TIMEOUT_MS },
    { now: () => new Date(sim.now()) },
  );
  // Test-range numbers (138 0013 8xxx); one number per send, so per-number flow control stays out of the way.
  let n = 0;
  const phone = () => `1380013${String(8000 + ++n).padStart(4, '0')}`;
  const send = (to: string) =>
    provider.send({
      phone: to,
      templateCode: 'SMS_CASE_ACCEPTED',
      params: { item: '生育津贴申领', caseNo: `GC-2026-${String(n).padStart(6, '0')}` },
      outId: `outbox-${n}`,
    });
  let limitedPhone: string | undefined;
  return {
    name: 'sms',
    base,
    sim,
    call: async () => {
      const to = limitedPhone ?? phone();
      limitedPhone = undefined;
      return send(to);
    },
    callPath: '/',
    async rateLimitNext() {
      // Aliyun's own flow control: 1 message a minute per number.
      limitedPhone = phone();
      await send(limitedPhone);
    },
    async checkErrorShape() {
      const answer = await raw(`${base}/?Action=SendSms&AccessKeyId=nobody&Format=JSON`);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.json).toMatchObject({
        RequestId: expect.any(String),
        Code: expect.any(String),
        Message: expect.any(String),
      });
    },
    async effect() {
      const to = phone();
      await send(to);
      return {
        viaSandbox: async () =>
          (((await sandboxJson(base, `/__sandbox/sms?phone=${to}`)).messages ?? []) as unknown[]).length,
        viaObject: () => sim.messages(to).length,
      };
    },
  };
}

interface OaSim extends Sim {
  setFault(fault: { path: string; status?: number }): void;
  expireTokens(): void;
  documents(): { externalId: string; caseKey: string }[];
  documentEffects(): Record<string, { created: number; existing: number }>;
}

async function oa(
  name: string,
  sim: OaSim,
  connector: { push(c: ReturnType<typeof sampleCase>): Promise<{ externalId: string }> },
  options: {
    template?: string;
    createPath: string;
    tokenPath?: string;
    checkErrorShape(base: string): Promise<void>;
  },
  base: string,
): Promise<Pair> {
  const push = () => connector.push(sampleCase(options.template ? { template: options.template } : {}));
  const cases = new Map<string, ReturnType<typeof sampleCase>>();
  const caseFor = (key: string) => {
    const existing = cases.get(key) ?? sampleCase(options.template ? { template: options.template } : {});
    cases.set(key, existing);
    return existing;
  };
  const { tokenPath } = options;
  return {
    name,
    base,
    sim,
    call: push,
    callPath: options.createPath,
    idempotent: {
      attempt: (key) => connector.push(caseFor(key)),
      created: (key) => {
        const c = caseFor(key);
        // The key the OA holds: the generic OA keeps our caseId, the vendors a subject ending in our case number.
        return Object.entries(sim.documentEffects())
          .filter(([k]) => k === c.caseId || k.endsWith(`（${c.caseNumber}）`))
          .reduce((sum, [, e]) => sum + e.created, 0);
      },
    },
    ...(tokenPath
      ? { token: { fetches: () => sim.stats().byPath[tokenPath] ?? 0, expire: () => sim.expireTokens() } }
      : {}),
    rateLimitNext: () => sim.setFault({ path: options.createPath, status: 429 }),
    checkErrorShape: () => options.checkErrorShape(base),
    async effect() {
      const { externalId } = await push();
      const key = sim.documents().find((d) => d.externalId === externalId)?.caseKey ?? '';
      expect(key).not.toBe('');
      return {
        viaSandbox: async () =>
          ((await sandboxJson(base, '/__sandbox/effects')).documents as Record<string, { created: number }>)[
            key
          ]?.created ?? 0,
        viaObject: () => sim.documentEffects()[key]?.created ?? 0,
      };
    },
  };
}

async function weaver(): Promise<Pair> {
  const sim = createWeaverSimulator({
    appid: 'APP',
    users: { '7': '受理员', '1': '管理员' },
    workflows: { '88': { creators: ['7'] } },
  });
  const base = await sim.listen(0);
  const connector = createWeaverConnector({
    baseUrl: base,
    appid: 'APP',
    serviceUserId: '1',
    userIdOf: () => '7',
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
  return oa(
    'oa-weaver',
    sim,
    connector,
    {
      template: '88',
      createPath: '/api/workflow/paService/doCreateRequest',
      tokenPath: '/api/ec/dev/auth/applytoken',
      async checkErrorShape(url) {
        // E9: HTTP 200 with status:false and code -1 (platforms.md §4.1).
        const answer = await raw(`${url}/api/workflow/paService/doCreateRequest`, {
          method: 'POST',
          headers: { appid: 'APP', token: 'bogus', 'content-type': 'application/x-www-form-urlencoded' },
          body: 'workflowId=88',
        });
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ status: false, msg: expect.any(String) });
      },
    },
    base,
  );
}

async function seeyon(): Promise<Pair> {
  const rest = { restUser: 'rest', restPassword: 'pw' };
  const sim = createSeeyonSimulator({
    ...rest,
    members: ['zhangsan', 'svc'],
    templates: { T1: { formmain: 'formmain_1' } },
  });
  const base = await sim.listen(0);
  const connector = createSeeyonConnector({
    baseUrl: base,
    ...rest,
    forms: { T1: 'formmain_1' },
    serviceLoginName: 'svc',
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
  return oa(
    'oa-seeyon',
    sim,
    connector,
    {
      template: 'T1',
      createPath: '/seeyon/rest/bpm/process/start',
      tokenPath: '/seeyon/rest/token',
      async checkErrorShape(url) {
        // A8: HTTP 401 {"code":"1010",…} without a valid token (platforms.md §4.2).
        const answer = await raw(`${url}/seeyon/rest/bpm/process/start`, {
          method: 'POST',
          headers: { token: 'bogus', 'content-type': 'application/json' },
          body: '{}',
        });
        expect(answer.status).toBe(401);
        expect(answer.json).toMatchObject({ code: '1010' });
      },
    },
    base,
  );
}

async function landray(): Promise<Pair> {
  const template = 'a'.repeat(32);
  const sim = createLandraySimulator({ templates: [template], members: ['zhangsan'] });
  const base = await sim.listen(0);
  const connector = createLandrayConnector({ baseUrl: base, timeoutMs: CLIENT_TIMEOUT_MS });
  return oa(
    'oa-landray',
    sim,
    connector,
    {
      template,
      createPath: '/sys/webservice/kmReviewWebserviceService',
      async checkErrorShape(url) {
        // EKP SOAP: a Fault envelope (HTTP 500) for a request it cannot read (platforms.md §4.3).
        const answer = await raw(`${url}/sys/webservice/kmReviewWebserviceService`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml; charset=utf-8' },
          body: '<not-soap/>',
        });
        expect(answer.status).toBe(500);
        expect(answer.text).toContain('Fault');
      },
    },
    base,
  );
}

async function generic(): Promise<Pair> {
  const sim = createGenericOaSimulator({ secret: 's3cret-key' });
  const base = await sim.listen(0);
  const connector = createGenericOaConnector({
    name: 'inhouse',
    baseUrl: base,
    secret: 's3cret-key',
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
  return oa(
    'oa-generic',
    sim,
    connector,
    {
      createPath: '/cases',
      async checkErrorShape(url) {
        const answer = await raw(`${url}/cases`, { method: 'POST', body: '{}' });
        expect(answer.status).toBe(401);
        expect(answer.json).toEqual({ code: expect.any(String), message: expect.any(String) });
      },
    },
    base,
  );
}

/** Every connector + simulator pair, by name. */
export const PAIRS: Record<string, () => Promise<Pair>> = {
  'dingtalk-oapi': () => dingtalk('oapi'),
  'dingtalk-v1': () => dingtalk('v1'),
  wecom,
  wechat,
  'wechat-phone': wechatPhone,
  sms,
  'oa-weaver': weaver,
  'oa-seeyon': seeyon,
  'oa-landray': landray,
  'oa-generic': generic,
};

/** The rejection of `promise` (fails when it resolves). */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => Promise.reject(new Error('resolved')),
    (e: unknown) => e,
  );
}
