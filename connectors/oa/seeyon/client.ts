import { OaError } from '../errors';
import type { OaCase, OaConnector, OaState, OaStatus } from '../port';
import { subjectCarries, subjectWithCaseNumber } from '../shared/case-lookup';
import { chinaTimeToIso } from '../shared/china-time';
import { createOaHttp, httpStatusError, parseJsonObject, type RawResponse } from '../shared/http';
import { createSession, type Session } from '../shared/session';
import type { SeeyonConfig } from './seeyon-config';

const SYSTEM = 'seeyon';
export const SEEYON_PATHS = {
  token: '/seeyon/rest/token',
  start: '/seeyon/rest/bpm/process/start',
  /** `/{summaryId}` is appended. */
  state: '/seeyon/rest/flow/state',
  /** Assumed: the initiator's sent list (已发事项); no public source names its path. */
  sent: '/seeyon/rest/affairs/sent',
} as const;

const LOOKUP_PAGE_SIZE = 50;
type Body = Record<string, unknown>;

/**
 * Read an A8 answer: HTTP 401 `{"code":"1010"}` means the token is gone (re-login); any other
 * non-200 status is a bare HTTP failure; a JSON `code` other than 0 is a permanent failure.
 */
export function readSeeyonBody(path: string, response: RawResponse): Body {
  const body = parseJsonObject(response.text);
  if (response.status === 401 && body && String(body.code) === '1010') {
    throw new OaError(SYSTEM, 'authExpired', '1010', path, { status: 401 });
  }
  if (response.status !== 200) throw httpStatusError(SYSTEM, path, response);
  if (!body) throw new OaError(SYSTEM, 'retryable', 'BAD_RESPONSE', path, { status: 200 });
  if (body.code !== undefined && Number(body.code) !== 0) {
    throw new OaError(SYSTEM, 'permanent', `SEEYON_${String(body.code).slice(0, 32)}`, path);
  }
  return body;
}

/** Assumed `flow/state` codes: 0 running, 1 ended (approved), 2 terminated (rejected), 3 revoked. */
export function seeyonState(state: unknown): OaState {
  return (['running', 'approved', 'rejected', 'withdrawn'] as const)[Number(state)] ?? 'unknown';
}

/** `app_bussiness_data` (sic) is a JSON string on most versions and an object on some. */
export function summaryIdOf(data: Body): string | undefined {
  let business: unknown = data.app_bussiness_data;
  if (typeof business === 'string') business = parseJsonObject(business);
  const id = (business as Body | null | undefined)?.summaryId;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * Seeyon A8 REST adapter: a token per acting login name (`POST /seeyon/rest/token`), re-login once on
 * 401 `1010`, `bpm/process/start`, `flow/state` polling. Attachments need A8 file ids
 * (`/seeyon/rest/attachment`), which this adapter does not upload: such cases are refused.
 *
 * Idempotency: A8 has none. Our case number ends the subject, and before a start the adapter scans the
 * first page of the initiator's sent list for it. The window is the same as Weaver's: a start whose
 * answer was lost and that A8 has not yet committed when the retry looks.
 */
export function createSeeyonConnector(config: SeeyonConfig): OaConnector {
  const http = createOaHttp({
    system: SYSTEM,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs ?? 10_000,
  });
  const sessions = new Map<string, Session>();

  function sessionOf(loginName: string): Session {
    let session = sessions.get(loginName);
    if (!session) {
      session = createSession(async () => {
        const response = await http.send({
          method: 'POST',
          path: SEEYON_PATHS.token,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userName: config.restUser, password: config.restPassword, loginName }),
        });
        // A refused login is a configuration fault (credentials, allow-list, login name): never loop on it.
        if (response.status === 401 || response.status === 403) {
          throw new OaError(SYSTEM, 'permanent', 'LOGIN_FAILED', SEEYON_PATHS.token, {
            status: response.status,
          });
        }
        const body = readSeeyonBody(SEEYON_PATHS.token, response);
        if (typeof body.id !== 'string' || body.id === '' || body.id === '-1') {
          throw new OaError(SYSTEM, 'permanent', 'LOGIN_FAILED', SEEYON_PATHS.token);
        }
        return { token: body.id };
      });
      sessions.set(loginName, session);
    }
    return session;
  }

  function call(
    loginName: string,
    method: 'GET' | 'POST',
    path: string,
    json?: unknown,
    query?: Record<string, string>,
  ) {
    const statsPath = path.startsWith(SEEYON_PATHS.state) ? SEEYON_PATHS.state : path;
    return sessionOf(loginName).run(async (token) =>
      readSeeyonBody(
        statsPath,
        await http.send({
          method,
          path,
          ...(query ? { query } : {}),
          headers: { token, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(json === undefined ? {} : { body: JSON.stringify(json) }),
        }),
      ),
    );
  }

  async function findExisting(c: OaCase): Promise<string | undefined> {
    const body = await call(c.initiator, 'GET', SEEYON_PATHS.sent, undefined, {
      pageNo: '1',
      pageSize: String(LOOKUP_PAGE_SIZE),
    });
    const rows = (body.data as Body | undefined)?.data;
    for (const row of Array.isArray(rows) ? rows : []) {
      const r = row as Body;
      if (
        typeof r.subject === 'string' &&
        subjectCarries(r.subject, c.caseNumber) &&
        r.summaryId !== undefined
      ) {
        return String(r.summaryId);
      }
    }
    return undefined;
  }

  return {
    system: SYSTEM,
    pushesResults: false,
    async push(c) {
      const formmain = config.forms[c.template];
      if (!formmain) throw new OaError(SYSTEM, 'permanent', 'UNKNOWN_TEMPLATE', SEEYON_PATHS.start);
      if (c.attachments?.length)
        throw new OaError(SYSTEM, 'permanent', 'ATTACHMENTS_UNSUPPORTED', SEEYON_PATHS.start);
      const existing = await findExisting(c);
      if (existing) return { externalId: existing };
      const formData: Record<string, unknown> = { [formmain]: c.fields };
      for (const table of c.details ?? []) formData[table.table] = table.rows;
      const body = await call(c.initiator, 'POST', SEEYON_PATHS.start, {
        appName: 'collaboration',
        data: {
          templateCode: c.template,
          draft: '0',
          data: formData,
          attachments: [],
          subject: subjectWithCaseNumber(c.title, c.caseNumber),
        },
      });
      const data = body.data as Body | undefined;
      const summaryId = data ? summaryIdOf(data) : undefined;
      if (!summaryId) throw new OaError(SYSTEM, 'retryable', 'BAD_RESPONSE', SEEYON_PATHS.start);
      return { externalId: summaryId };
    },
    async status(externalId) {
      const body = await call(
        config.serviceLoginName,
        'GET',
        `${SEEYON_PATHS.state}/${encodeURIComponent(externalId)}`,
      );
      const data = body.data;
      if (typeof data !== 'object' || data === null) return { externalId, state: 'unknown', raw: body };
      const d = data as Body;
      const status: OaStatus = { externalId, state: seeyonState(d.state), raw: d };
      const finishedAt = chinaTimeToIso(d.finishDate);
      if (finishedAt) status.finishedAt = finishedAt;
      if (typeof d.lastOpinion === 'string' && d.lastOpinion !== '') status.opinion = d.lastOpinion;
      if (typeof d.lastHandler === 'string' && d.lastHandler !== '') status.approver = d.lastHandler;
      return status;
    },
  };
}
