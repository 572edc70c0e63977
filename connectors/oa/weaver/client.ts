import { OaError } from '../errors';
import type { OaCase, OaConnector, OaState, OaStatus } from '../port';
import { subjectCarries, subjectWithCaseNumber } from '../shared/case-lookup';
import { chinaTimeToIso } from '../shared/china-time';
import { createOaHttp, httpStatusError, parseJsonObject, type RawResponse } from '../shared/http';
import { createSession } from '../shared/session';
import { generateRsaKeyPair, rsaEncryptBase64 } from './rsa';
import type { WeaverConfig } from './weaver-config';

const SYSTEM = 'weaver';
export const WEAVER_PATHS = {
  regist: '/api/ec/dev/auth/regist',
  applytoken: '/api/ec/dev/auth/applytoken',
  create: '/api/workflow/paService/doCreateRequest',
  status: '/api/workflow/paService/getRequestStatus',
  handled: '/api/workflow/paService/getHandledWorkflowRequestList',
} as const;

/** Requests of the initiator scanned for our case number before a create. */
const LOOKUP_PAGE_SIZE = 50;

type Body = Record<string, unknown>;

/**
 * Read an E9 answer. Auth failures are HTTP 200 `{status:false, code:-1, msg}`: "token不存在或者超时"
 * and "登录信息超时" (errorCode 002) mean the session is gone; other auth failures are permanent.
 * paService answers carry a string `code`; anything but `SUCCESS` fails (the enum is not public).
 */
export function readWeaverBody(path: string, response: RawResponse): Body {
  const body = parseJsonObject(response.text);
  if (response.status !== 200) throw httpStatusError(SYSTEM, path, response);
  if (!body) throw new OaError(SYSTEM, 'retryable', 'BAD_RESPONSE', path, { status: 200 });
  if (body.status === false) {
    const msg = typeof body.msg === 'string' ? body.msg : '';
    const expired = msg.startsWith('token不存在或者超时') || body.errorCode === '002';
    throw new OaError(
      SYSTEM,
      expired ? 'authExpired' : 'permanent',
      expired ? 'TOKEN_EXPIRED' : 'AUTH_FAILED',
      path,
    );
  }
  if (typeof body.code === 'string' && body.code !== 'SUCCESS') {
    throw new OaError(SYSTEM, 'permanent', body.code.slice(0, 64), path);
  }
  return body;
}

/**
 * E9 states: `currentNodeType` 3 = archived (归档, approved); `requestStatus` 退回 = sent back to the
 * creator (rejected for us), 撤回/删除 = withdrawn; everything else still runs. The field names of
 * `getRequestStatus` are assumed from typical deployments (not public).
 */
export function weaverState(data: Body): OaState {
  const status = typeof data.requestStatus === 'string' ? data.requestStatus : '';
  if (String(data.currentNodeType) === '3' || status === '归档') return 'approved';
  if (status === '退回') return 'rejected';
  if (status === '撤回' || status === '删除') return 'withdrawn';
  return data.currentNodeType === undefined ? 'unknown' : 'running';
}

function toStatus(externalId: string, data: Body): OaStatus {
  const state = weaverState(data);
  const status: OaStatus = { externalId, state, raw: data };
  if (state !== 'running' && state !== 'unknown') {
    const at = chinaTimeToIso(data.lastOperateTime);
    if (at) status.finishedAt = at;
    if (typeof data.remark === 'string' && data.remark !== '') status.opinion = data.remark;
    if (typeof data.lastOperatorName === 'string') status.approver = data.lastOperatorName;
  }
  return status;
}

function fieldList(fields: Record<string, string>) {
  return Object.entries(fields).map(([fieldName, fieldValue]) => ({ fieldName, fieldValue }));
}

/**
 * Weaver E9 REST adapter: RSA handshake (`regist` once, `applytoken` per session), `doCreateRequest`,
 * `getRequestStatus` polling.
 *
 * Idempotency: E9 has none. Our case number ends the `requestName`, and before a create the adapter
 * scans the initiator's handled list (`conditions {"requestname": caseNumber}`) for it. Window: a
 * create whose answer was lost and that E9 has not yet committed when the retry looks may be created
 * twice; the retry must come after the timeout, which the outbox backoff guarantees in practice.
 */
export function createWeaverConnector(config: WeaverConfig): OaConnector {
  const http = createOaHttp({
    system: SYSTEM,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs ?? 10_000,
  });
  const keys = generateRsaKeyPair();
  const userIdOf = config.userIdOf ?? ((initiator: string) => initiator);
  let registration: Promise<{ secrit: string; spk: string }> | null = null;

  function register(): Promise<{ secrit: string; spk: string }> {
    registration ??= (async () => {
      const path = WEAVER_PATHS.regist;
      const response = await http.send({
        method: 'POST',
        path,
        headers: { appid: config.appid, cpk: keys.publicKeyBase64 },
      });
      const body = readWeaverBody(path, response);
      if (typeof body.secrit !== 'string' || typeof body.spk !== 'string') {
        throw new OaError(SYSTEM, 'retryable', 'BAD_RESPONSE', path);
      }
      return { secrit: body.secrit, spk: body.spk };
    })().catch((error: unknown) => {
      registration = null;
      throw error;
    });
    return registration;
  }

  const session = createSession(async () => {
    const { secrit, spk } = await register();
    const path = WEAVER_PATHS.applytoken;
    const time = config.tokenTtlSeconds ?? 3600;
    const response = await http.send({
      method: 'POST',
      path,
      headers: { appid: config.appid, secret: rsaEncryptBase64(secrit, spk), time: String(time) },
    });
    const body = readWeaverBody(path, response);
    // A refused applytoken is a configuration fault, not an expired session: never re-login on it.
    if (typeof body.token !== 'string' || body.token === '')
      throw new OaError(SYSTEM, 'retryable', 'BAD_RESPONSE', path);
    return { token: body.token, ttlSeconds: time };
  });

  async function call(
    userId: string,
    request: {
      method: 'GET' | 'POST';
      path: string;
      form?: Record<string, string>;
      query?: Record<string, string>;
    },
  ): Promise<Body> {
    const { spk } = await register();
    return session.run(async (token) => {
      const response = await http.send({
        method: request.method,
        path: request.path,
        ...(request.query ? { query: request.query } : {}),
        headers: {
          appid: config.appid,
          token,
          userid: rsaEncryptBase64(userId, spk),
          ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {}),
        },
        ...(request.form ? { body: new URLSearchParams(request.form).toString() } : {}),
      });
      return readWeaverBody(request.path, response);
    });
  }

  async function findExisting(c: OaCase, userId: string): Promise<string | undefined> {
    const body = await call(userId, {
      method: 'POST',
      path: WEAVER_PATHS.handled,
      form: {
        conditions: JSON.stringify({ requestname: c.caseNumber }),
        pageNo: '1',
        pageSize: String(LOOKUP_PAGE_SIZE),
      },
    });
    const rows = Array.isArray(body.data) ? body.data : [];
    for (const row of rows) {
      const r = row as Body;
      if (
        typeof r.requestName === 'string' &&
        subjectCarries(r.requestName, c.caseNumber) &&
        r.requestId !== undefined
      ) {
        return String(r.requestId);
      }
    }
    return undefined;
  }

  return {
    system: SYSTEM,
    pushesResults: false,
    async push(c) {
      const userId = userIdOf(c.initiator);
      const existing = await findExisting(c, userId);
      if (existing) return { externalId: existing };
      const main = fieldList(c.fields) as { fieldName: string; fieldValue: unknown }[];
      if (c.attachments?.length) {
        if (!config.attachmentField)
          throw new OaError(SYSTEM, 'permanent', 'ATTACHMENTS_UNSUPPORTED', WEAVER_PATHS.create);
        main.push({
          fieldName: config.attachmentField,
          fieldValue: c.attachments.map((a) => ({ filePath: a.url, fileName: a.name })),
        });
      }
      const detail = (c.details ?? []).map((table) => ({
        tableDBName: table.table,
        workflowRequestTableRecords: table.rows.map((row, recordOrder) => ({
          recordOrder,
          workflowRequestTableFields: fieldList(row),
        })),
      }));
      const body = await call(userId, {
        method: 'POST',
        path: WEAVER_PATHS.create,
        form: {
          workflowId: c.template,
          requestName: subjectWithCaseNumber(c.title, c.caseNumber),
          mainData: JSON.stringify(main),
          ...(detail.length ? { detailData: JSON.stringify(detail) } : {}),
          otherParams: JSON.stringify({ isnextflow: '1' }),
        },
      });
      const requestId = (body.data as Body | undefined)?.requestid;
      if (typeof requestId !== 'number' && typeof requestId !== 'string') {
        throw new OaError(SYSTEM, 'retryable', 'BAD_RESPONSE', WEAVER_PATHS.create);
      }
      return { externalId: String(requestId) };
    },
    async status(externalId) {
      const body = await call(userIdOf(config.serviceUserId), {
        method: 'GET',
        path: WEAVER_PATHS.status,
        query: { requestId: externalId },
      });
      const data = body.data;
      return typeof data === 'object' && data !== null && !Array.isArray(data)
        ? toStatus(externalId, data as Body)
        : { externalId, state: 'unknown', raw: body };
    },
  };
}
