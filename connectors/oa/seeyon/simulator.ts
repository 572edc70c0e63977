import { randomBytes, randomUUID } from 'node:crypto';
import { formatChinaTime } from '../shared/china-time';
import { parseJsonObject } from '../shared/http';
import type { SimDocument } from '../shared/sim-documents';
import {
  createOaSimulatorCore,
  createOaSimulatorListener,
  type OaSimulatorBase,
  simulatorBase,
  type WireAnswer,
  type WireRequest,
} from '../shared/sim-server';
import { SEEYON_PATHS } from './client';

export interface SeeyonSimulatorOptions {
  restUser: string;
  restPassword: string;
  /** OA login names of the members. */
  members: string[];
  /** Templates by code: main table name and who may start them (default: every member). */
  templates: Record<string, { formmain: string; starters?: string[] }>;
  /** Idle lifetime of a token. Default 1800 s ([BG] A8 tokens expire when idle). */
  tokenIdleSeconds?: number;
}

/** Named faults: `unauthorized` (401 `1010`), `failure` (HTTP 200, `code` 1). */
export const SEEYON_FAULT_ERRORS = ['unauthorized', 'failure'] as const;

/**
 * An in-process fake of Seeyon A8's REST surface (platforms.md §4.2).
 *
 * Wire: `POST /seeyon/rest/token {userName, password, loginName}` and
 * `GET /seeyon/rest/token/{user}/{password}?loginName=` → `{id, …}`; with header `token` (or `?token=`):
 * `POST /seeyon/rest/bpm/process/start`, `GET /seeyon/rest/flow/state/{summaryId}`,
 * `GET /seeyon/rest/affairs/sent?pageNo&pageSize`. A missing or idle-expired token → HTTP 401
 * `{"code":"1010"}`. Assumed (not public): the 401 body of a refused login, `code` 1 with `message`
 * for start failures, the `flow/state` data (`state` 0..3, `finishDate`, `lastHandler`,
 * `lastOpinion`, `data:null` when unknown), the sent-list path and shape.
 *
 * Sandbox: the shared OA routes (see `createOaSimulatorListener`).
 */
export interface SeeyonSimulator extends OaSimulatorBase {}

const unauthorized = (): WireAnswer => ({
  status: 401,
  body: { code: '1010', message: 'token无效或已过期', data: null },
});
const failure = (message: string): WireAnswer => ({
  status: 200,
  body: { code: 1, data: { errorMsg: message }, message },
});
const ok = (data: unknown): WireAnswer => ({ status: 200, body: { code: 0, data, message: '' } });

/** A8 ids are signed 64-bit longs, often negative, always carried as strings. */
function longId(): string {
  return randomBytes(8).readBigInt64BE().toString();
}

const STATE_CODES = { running: 0, approved: 1, rejected: 2, withdrawn: 3, unknown: 9 } as const;

export function createSeeyonSimulator(options: SeeyonSimulatorOptions): SeeyonSimulator {
  const core = createOaSimulatorCore();
  const idle = options.tokenIdleSeconds ?? 1800;

  function login(user: unknown, password: unknown, loginName: unknown): WireAnswer {
    if (user !== options.restUser || password !== options.restPassword) {
      return { status: 401, body: { code: '1010', message: 'REST用户认证失败', data: null } };
    }
    const name = typeof loginName === 'string' && loginName !== '' ? loginName : options.restUser;
    if (name !== options.restUser && !options.members.includes(name)) {
      return { status: 401, body: { code: '1010', message: '登录名不存在', data: null } };
    }
    return {
      status: 200,
      body: { id: core.tokens.issue(name, idle, true), bindingUser: { loginName: name } },
    };
  }

  function start(loginName: string, text: string): WireAnswer {
    const body = parseJsonObject(text);
    const data = body?.data as Record<string, unknown> | undefined;
    if (body?.appName !== 'collaboration' || typeof data !== 'object' || data === null) {
      return failure('参数错误：appName或data为空');
    }
    const templateCode = String(data.templateCode ?? '');
    const template = options.templates[templateCode];
    if (!template) return failure(`模板不存在：${templateCode}`);
    if (!(template.starters ?? options.members).includes(loginName)) return failure('当前用户无权发起该模板');
    const form = data.data as Record<string, unknown> | undefined;
    if (typeof form?.[template.formmain] !== 'object')
      return failure(`表单数据缺少主表：${template.formmain}`);
    const summaryId = longId();
    const subject = typeof data.subject === 'string' && data.subject !== '' ? data.subject : templateCode;
    core.documents.add({
      externalId: summaryId,
      subject,
      template: templateCode,
      initiator: loginName,
      caseKey: subject,
      form,
    });
    return ok({
      processId: longId(),
      workitems: [{ nodeId: randomUUID(), nodeName: '审批', userId: longId(), userLoginName: 'approver' }],
      app_bussiness_data: JSON.stringify({ summaryId, affairId: longId() }),
      subject,
      errorMsg: '',
    });
  }

  function stateOf(doc: SimDocument) {
    return {
      summaryId: doc.externalId,
      subject: doc.subject,
      state: STATE_CODES[doc.state],
      startDate: formatChinaTime(doc.createdAt),
      ...(doc.finishedAt === undefined ? {} : { finishDate: formatChinaTime(doc.finishedAt) }),
      ...(doc.approver === undefined ? {} : { lastHandler: doc.approver }),
      ...(doc.opinion === undefined ? {} : { lastOpinion: doc.opinion }),
    };
  }

  function wire(request: WireRequest): WireAnswer {
    const { method, path, query } = request;
    if (method === 'POST' && path === SEEYON_PATHS.token) {
      const body = parseJsonObject(request.body) ?? {};
      return login(body.userName, body.password, body.loginName);
    }
    if (method === 'GET' && path.startsWith(`${SEEYON_PATHS.token}/`)) {
      const [user, password] = path
        .slice(SEEYON_PATHS.token.length + 1)
        .split('/')
        .map(decodeURIComponent);
      return login(user, password, query.get('loginName'));
    }
    const isState = method === 'GET' && path.startsWith(`${SEEYON_PATHS.state}/`);
    const known =
      isState ||
      (method === 'POST' && path === SEEYON_PATHS.start) ||
      (method === 'GET' && path === SEEYON_PATHS.sent);
    if (!known) return { status: 404, body: { code: '404', message: 'Not Found', data: null } };
    const header = request.headers.token;
    const caller = core.tokens.check(typeof header === 'string' ? header : query.get('token'));
    if (typeof caller === 'string') return unauthorized();
    if (isState) {
      const doc = core.documents.get(decodeURIComponent(path.slice(SEEYON_PATHS.state.length + 1)));
      return ok(doc ? stateOf(doc) : null);
    }
    if (path === SEEYON_PATHS.start) return start(caller.subject, request.body);
    const pageNo = Math.max(1, Number(query.get('pageNo')) || 1);
    const pageSize = Math.min(200, Math.max(1, Number(query.get('pageSize')) || 20));
    const mine = core.documents
      .all()
      .filter((doc) => doc.initiator === caller.subject)
      .reverse();
    const rows = mine.slice((pageNo - 1) * pageSize, pageNo * pageSize).map(stateOf);
    return ok({ total: mine.length, data: rows });
  }

  const listener = createOaSimulatorListener({
    name: 'Seeyon',
    core,
    wirePaths: Object.values(SEEYON_PATHS),
    tokenPaths: [SEEYON_PATHS.token],
    errorNames: SEEYON_FAULT_ERRORS,
    wire,
    faultError: (name) => (name === 'unauthorized' ? unauthorized() : failure('系统繁忙')),
    systemError: () => ({ status: 500, body: { code: '500', message: '服务器内部错误', data: null } }),
  });
  return Object.assign(simulatorBase(core, listener), {});
}
