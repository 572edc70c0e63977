import { OaError } from '../errors';
import type { OaCase, OaConnector, OaState, OaStatus } from '../port';
import { subjectWithCaseNumber } from '../shared/case-lookup';
import { chinaTimeToIso } from '../shared/china-time';
import { createOaHttp, httpStatusError, parseJsonObject } from '../shared/http';
import { escapeXml } from '../shared/safe-xml';
import { LANDRAY_QUERY_SERVICE, LANDRAY_REVIEW_SERVICE, type LandrayConfig } from './landray-config';
import { buildSoapEnvelope, parseSoapResponse } from './soap';

const SYSTEM = 'landray';
const FD_ID = /^[0-9a-f]{32}$/i;

function parseJsonArray(text: string): unknown[] | null {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** EKP `docStatus` → our state (see {@link LANDRAY_QUERY_SERVICE}). */
export function landrayState(docStatus: unknown): OaState {
  switch (String(docStatus)) {
    case '20':
      return 'running';
    case '30':
    case '31':
      return 'approved';
    case '11':
    case '00':
      return 'rejected';
    case '10':
      return 'withdrawn';
    default:
      return 'unknown';
  }
}

/** EKP wants detail tables column-wise: `"table.column": ["row1", "row2"]` (§4.3). */
export function landrayFormValues(c: OaCase): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = { ...c.fields };
  for (const table of c.details ?? []) {
    const columns = new Set(table.rows.flatMap((row) => Object.keys(row)));
    for (const column of columns)
      values[`${table.table}.${column}`] = table.rows.map((row) => row[column] ?? '');
  }
  return values;
}

function attachmentLinks(c: OaCase): string | undefined {
  if (!c.attachments?.length) return undefined;
  const items = c.attachments.map((a) => `<li><a href="${escapeXml(a.url)}">${escapeXml(a.name)}</a></li>`);
  return `<p>附件：</p><ul>${items.join('')}</ul>`;
}

/**
 * Landray EKP SOAP adapter: `kmReviewWebserviceService.addReview`, with the RequestSOAPHeader when
 * configured; states from the customer query service ({@link LANDRAY_QUERY_SERVICE}, an assumption).
 * Attachments go into `docContent` as links (EKP wants file bytes in `attachmentForms`).
 *
 * Idempotency: EKP has none. Our case number is the document's `fdKeyword`, and before a create the
 * adapter asks `findReviewByKeyword`. The window is a create whose answer was lost and that EKP has
 * not yet committed when the retry looks.
 */
export function createLandrayConnector(config: LandrayConfig): OaConnector {
  const http = createOaHttp({
    system: SYSTEM,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs ?? 10_000,
  });
  const query = config.queryService ?? LANDRAY_QUERY_SERVICE;
  const auth =
    config.soapUser !== undefined && config.soapPassword !== undefined
      ? { user: config.soapUser, password: config.soapPassword }
      : undefined;

  async function soap(
    service: { path: string; ns: string },
    op: string,
    arg0: string | Record<string, string | undefined>,
  ) {
    const path = service.path;
    const response = await http.send({
      method: 'POST',
      path,
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' },
      body: buildSoapEnvelope({ ns: service.ns, op, arg0, ...(auth ? { auth } : {}) }),
    });
    const result = parseSoapResponse(response.text, op);
    // SOAP 1.1 sends Faults with HTTP 500: read the body before the status.
    if (result.kind === 'fault') {
      const server = result.faultcode.endsWith(':Server') || result.faultcode === 'Server';
      throw new OaError(SYSTEM, 'permanent', server ? 'SOAP_FAULT_SERVER' : 'SOAP_FAULT_CLIENT', path, {
        status: response.status,
      });
    }
    if (response.status !== 200) throw httpStatusError(SYSTEM, path, response);
    if (result.kind === 'refused') {
      throw new OaError(
        SYSTEM,
        result.reason === 'unsafe' ? 'permanent' : 'retryable',
        result.reason === 'unsafe' ? 'UNSAFE_XML' : 'BAD_RESPONSE',
        path,
        { status: 200 },
      );
    }
    return result.value;
  }

  return {
    system: SYSTEM,
    pushesResults: false,
    async push(c) {
      const found = await soap(query, 'findReviewByKeyword', c.caseNumber);
      const ids = found === '' ? [] : parseJsonArray(found);
      if (!ids) throw new OaError(SYSTEM, 'retryable', 'BAD_RESPONSE', query.path);
      const existing = ids.find((id): id is string => typeof id === 'string' && FD_ID.test(id));
      if (existing) return { externalId: existing };
      const fdId = await soap(LANDRAY_REVIEW_SERVICE, 'addReview', {
        docSubject: subjectWithCaseNumber(c.title, c.caseNumber),
        fdTemplateId: c.template,
        docContent: attachmentLinks(c),
        formValues: JSON.stringify(landrayFormValues(c)),
        docStatus: '20',
        docCreator: JSON.stringify({ LoginName: c.initiator }),
        fdKeyword: JSON.stringify([c.caseNumber]),
      });
      // addReview answers business errors as plain text in place of the fdId ("user is not exist").
      if (!FD_ID.test(fdId))
        throw new OaError(SYSTEM, 'permanent', 'PLAIN_ERROR', LANDRAY_REVIEW_SERVICE.path);
      return { externalId: fdId };
    },
    async status(externalId) {
      const answer = await soap(query, 'getReviewStatus', externalId);
      const data = answer === '' ? null : parseJsonObject(answer);
      if (answer !== '' && !data) throw new OaError(SYSTEM, 'retryable', 'BAD_RESPONSE', query.path);
      if (!data || data.fdId === undefined) return { externalId, state: 'unknown', raw: answer };
      const status: OaStatus = { externalId, state: landrayState(data.docStatus), raw: data };
      if (status.state !== 'running') {
        const at = chinaTimeToIso(data.docPublishTime);
        if (at) status.finishedAt = at;
      }
      if (typeof data.auditNote === 'string' && data.auditNote !== '') status.opinion = data.auditNote;
      if (typeof data.handlerName === 'string' && data.handlerName !== '') status.approver = data.handlerName;
      return status;
    },
  };
}
