import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { formatChinaTime } from '../shared/china-time';
import type { SimDocument } from '../shared/sim-documents';
import {
  createOaSimulatorCore,
  createOaSimulatorListener,
  type OaSimulatorBase,
  simulatorBase,
  type WireAnswer,
  type WireRequest,
} from '../shared/sim-server';
import { WEAVER_PATHS } from './client';
import { generateRsaKeyPair, rsaDecryptBase64 } from './rsa';

export interface WeaverSimulatorOptions {
  appid: string;
  /** E9 users by id (HrmResource id → name). */
  users: Record<string, string>;
  /** Workflows by `workflowId` and the user ids allowed to create them. */
  workflows: Record<string, { creators: string[] }>;
}

/** Named faults: `tokenExpired`, `sessionTimeout`, `noPermission`, `secretDecrypt`. */
export const WEAVER_FAULT_ERRORS = [
  'tokenExpired',
  'sessionTimeout',
  'noPermission',
  'secretDecrypt',
] as const;

/**
 * An in-process fake of an E9 server's REST integration surface (platforms.md §4.1).
 *
 * Wire: `POST /api/ec/dev/auth/regist` (headers appid, cpk), `POST /api/ec/dev/auth/applytoken`
 * (appid, secret, time), and with headers appid/token/userid: `POST .../doCreateRequest` (form),
 * `GET .../getRequestStatus?requestId=`, `POST .../getHandledWorkflowRequestList` (form: conditions,
 * pageNo, pageSize). Auth failures are HTTP 200 `{status:false, code:-1, msg}` as E9 sends them.
 * Assumed (not public): the `getRequestStatus` data fields, `{code:"SUCCESS",data:{}}` for an unknown
 * request, `PARAM_ERROR` for bad input, the `requestname` condition of the handled list.
 *
 * Sandbox: the shared OA routes (see `createOaSimulatorListener`).
 */
export interface WeaverSimulator extends OaSimulatorBase {}

const authError = (msg: string, extra: Record<string, unknown> = {}): WireAnswer => ({
  status: 200,
  body: { msg, code: -1, msgShowType: 'none', status: false, ...extra },
});
const paFailure = (code: string, errMsg: Record<string, unknown>, msgType = ''): WireAnswer => ({
  status: 200,
  body: { code, data: {}, errMsg, reqFailMsg: { keyParameters: {}, msgInfo: {}, msgType, otherParams: {} } },
});
const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

function parseFieldList(text: string | null): Record<string, unknown> | null {
  if (text === null) return {};
  try {
    const list: unknown = JSON.parse(text);
    if (!Array.isArray(list)) return null;
    const out: Record<string, unknown> = {};
    for (const item of list) {
      if (
        typeof item !== 'object' ||
        item === null ||
        typeof (item as { fieldName?: unknown }).fieldName !== 'string'
      )
        return null;
      out[(item as { fieldName: string }).fieldName] = (item as { fieldValue?: unknown }).fieldValue;
    }
    return out;
  } catch {
    return null;
  }
}

export function createWeaverSimulator(options: WeaverSimulatorOptions): WeaverSimulator {
  const core = createOaSimulatorCore();
  const server = generateRsaKeyPair();
  const registered = new Map<string, string>(); // appid → secrit
  let nextRequestId = 447_473;

  function checkCall(request: WireRequest): { userId: string } | WireAnswer {
    const appid = header(request.headers, 'appid');
    if (appid !== options.appid || !registered.has(appid)) return authError('认证信息错误');
    const token = header(request.headers, 'token');
    if (typeof core.tokens.check(token) === 'string') return authError(`token不存在或者超时：${token ?? ''}`);
    const userId = rsaDecryptBase64(header(request.headers, 'userid') ?? '', server.privateKey);
    if (userId === null || !(userId in options.users)) return authError('认证信息错误');
    return { userId };
  }

  function statusData(doc: SimDocument) {
    const finished = doc.state !== 'running';
    return {
      requestId: doc.externalId,
      requestName: doc.subject,
      workflowId: doc.template,
      currentNodeType: doc.state === 'approved' ? '3' : doc.state === 'running' ? '1' : '0',
      requestStatus: { running: '审批', approved: '归档', rejected: '退回', withdrawn: '撤回', unknown: '' }[
        doc.state
      ],
      creater: doc.initiator,
      createTime: formatChinaTime(doc.createdAt),
      lastOperateTime: formatChinaTime(doc.finishedAt ?? doc.createdAt),
      ...(finished && doc.opinion !== undefined ? { remark: doc.opinion } : {}),
      ...(finished && doc.approver !== undefined ? { lastOperatorName: doc.approver } : {}),
    };
  }

  function create(userId: string, form: URLSearchParams): WireAnswer {
    const workflowId = form.get('workflowId') ?? '';
    const workflow = options.workflows[workflowId];
    if (!workflow) return paFailure('PARAM_ERROR', { workflowId: '流程不存在或已停用' });
    if (!workflow.creators.includes(userId)) {
      return paFailure('NO_PERMISSION', { isremark: 2 }, 'NO_REQUEST_SUBMIT_PERMISSION');
    }
    const main = parseFieldList(form.get('mainData'));
    const requestName = form.get('requestName');
    if (main === null || !requestName) return paFailure('PARAM_ERROR', { mainData: '参数格式错误' });
    let detail: unknown = [];
    try {
      detail = JSON.parse(form.get('detailData') ?? '[]');
    } catch {
      return paFailure('PARAM_ERROR', { detailData: '参数格式错误' });
    }
    const requestid = nextRequestId++;
    core.documents.add({
      externalId: String(requestid),
      subject: requestName,
      template: workflowId,
      initiator: userId,
      caseKey: requestName,
      form: { mainData: main, detailData: detail, otherParams: form.get('otherParams') },
    });
    return {
      status: 200,
      body: {
        code: 'SUCCESS',
        data: { requestid },
        errMsg: {},
        reqFailMsg: { keyParameters: {}, msgInfo: {}, otherParams: { doAutoApprove: '0' } },
      },
    };
  }

  function handled(userId: string, form: URLSearchParams): WireAnswer {
    let conditions: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(form.get('conditions') ?? '{}');
      if (typeof parsed === 'object' && parsed !== null) conditions = parsed as Record<string, unknown>;
    } catch {
      return paFailure('PARAM_ERROR', { conditions: '参数格式错误' });
    }
    const pageNo = Math.max(1, Number(form.get('pageNo')) || 1);
    const pageSize = Math.min(100, Math.max(1, Number(form.get('pageSize')) || 10));
    const name = typeof conditions.requestname === 'string' ? conditions.requestname : '';
    const rows = core.documents
      .all()
      .filter((doc) => doc.initiator === userId && doc.subject.includes(name))
      .slice((pageNo - 1) * pageSize, pageNo * pageSize)
      .map(statusData);
    return { status: 200, body: { code: 'SUCCESS', data: rows, errMsg: {} } };
  }

  function wire(request: WireRequest): WireAnswer {
    const key = `${request.method} ${request.path}`;
    if (key === `POST ${WEAVER_PATHS.regist}`) {
      const appid = header(request.headers, 'appid');
      if (appid !== options.appid) return authError('认证信息错误');
      if (!header(request.headers, 'cpk')) return authError('认证信息错误：缺少cpk');
      const secrit = randomUUID();
      registered.set(appid, secrit);
      return {
        status: 200,
        body: { msg: 'ok', code: 0, msgShowType: 'none', status: true, secrit, spk: server.publicKeyBase64 },
      };
    }
    if (key === `POST ${WEAVER_PATHS.applytoken}`) {
      const appid = header(request.headers, 'appid') ?? '';
      const secrit = registered.get(appid);
      if (appid !== options.appid || !secrit) return authError('认证信息错误');
      if (rsaDecryptBase64(header(request.headers, 'secret') ?? '', server.privateKey) !== secrit) {
        return authError('secret解密失败,请检查加密内容.');
      }
      const time = Number(header(request.headers, 'time') ?? '1800');
      const ttl = Number.isSafeInteger(time) && time > 0 ? Math.min(time, 86_400) : 1800;
      return {
        status: 200,
        body: {
          msg: '获取成功!',
          code: 0,
          msgShowType: 'none',
          status: true,
          token: core.tokens.issue(appid, ttl),
        },
      };
    }
    const routes: Record<string, (userId: string) => WireAnswer> = {
      [`POST ${WEAVER_PATHS.create}`]: (userId) => create(userId, new URLSearchParams(request.body)),
      [`POST ${WEAVER_PATHS.handled}`]: (userId) => handled(userId, new URLSearchParams(request.body)),
      [`GET ${WEAVER_PATHS.status}`]: () => {
        const doc = core.documents.get(request.query.get('requestId') ?? '');
        return { status: 200, body: { code: 'SUCCESS', data: doc ? statusData(doc) : {}, errMsg: {} } };
      },
    };
    const route = routes[key];
    if (!route)
      return {
        status: 404,
        body: '<html><body><h1>404 Not Found</h1></body></html>',
        contentType: 'text/html',
      };
    const caller = checkCall(request);
    return 'userId' in caller ? route(caller.userId) : caller;
  }

  const listener = createOaSimulatorListener({
    name: 'Weaver',
    core,
    wirePaths: Object.values(WEAVER_PATHS),
    tokenPaths: [WEAVER_PATHS.regist, WEAVER_PATHS.applytoken],
    errorNames: WEAVER_FAULT_ERRORS,
    wire,
    faultError(name, request) {
      if (name === 'tokenExpired')
        return authError(`token不存在或者超时：${header(request.headers, 'token') ?? ''}`);
      if (name === 'sessionTimeout')
        return { status: 200, body: { msg: '登录信息超时', errorCode: '002', status: false } };
      if (name === 'secretDecrypt') return authError('secret解密失败,请检查加密内容.');
      return paFailure('NO_PERMISSION', { isremark: 2 }, 'NO_REQUEST_SUBMIT_PERMISSION');
    },
    systemError: () => ({
      status: 500,
      body: '<html><body><h1>500 Internal Server Error</h1></body></html>',
      contentType: 'text/html',
    }),
  });
  return Object.assign(simulatorBase(core, listener), {});
}
