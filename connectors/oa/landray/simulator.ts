import { randomBytes } from 'node:crypto';
import { formatChinaTime } from '../shared/china-time';
import { pick } from '../shared/safe-xml';
import type { SimDocument } from '../shared/sim-documents';
import {
  createOaSimulatorCore,
  createOaSimulatorListener,
  type OaSimulatorBase,
  simulatorBase,
  type WireAnswer,
  type WireRequest,
} from '../shared/sim-server';
import { LANDRAY_QUERY_SERVICE, LANDRAY_REVIEW_SERVICE } from './landray-config';
import { parseSoapRequest, soapFault, soapReturn } from './soap';

export interface LandraySimulatorOptions {
  /** When set, every call must carry this RequestSOAPHeader ("WebService 注册" policy). */
  soapUser?: string;
  soapPassword?: string;
  /** Known `fdTemplateId`s. */
  templates: string[];
  /** OA login names that may be `docCreator`. */
  members: string[];
}

/**
 * Named faults: `fault` (soap:Server Fault), `plainError` (`user is not exist` as the return),
 * `unauthorized` (HTTP 401 text), `garbage` (HTTP 200 non-XML), `doctype` (HTTP 200, a billion-laughs
 * DOCTYPE).
 */
export const LANDRAY_FAULT_ERRORS = ['fault', 'plainError', 'unauthorized', 'garbage', 'doctype'] as const;

/**
 * An in-process fake of Landray EKP's review web service (platforms.md §4.3) and of the customer query
 * service assumed in `LANDRAY_QUERY_SERVICE`.
 *
 * Wire (SOAP 1.1, `text/xml`): `POST /sys/webservice/kmReviewWebserviceService` op `addReview(arg0)`
 * → `<return>` the new fdId (32 hex) or a plain error text; `POST /sys/webservice/gcrmReviewQueryService`
 * ops `getReviewStatus(arg0)` and `findReviewByKeyword(arg0)`. Faults are sent with HTTP 500. Requests
 * with DOCTYPE/ENTITY or broken XML get a soap:Client Fault. EKP's docStatus codes are used (10, 20,
 * 11, 00, 30).
 *
 * Sandbox: the shared OA routes (see `createOaSimulatorListener`).
 */
export interface LandraySimulator extends OaSimulatorBase {}

const xml = (status: number, body: string): WireAnswer => ({
  status,
  body,
  contentType: 'text/xml; charset=utf-8',
});
const fault = (code: 'soap:Client' | 'soap:Server', text: string) => xml(500, soapFault(code, text));
const DOC_STATUS = { running: '20', approved: '30', rejected: '00', withdrawn: '10', unknown: '99' } as const;
const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>`;

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createLandraySimulator(options: LandraySimulatorOptions): LandraySimulator {
  const core = createOaSimulatorCore();
  const keywords = new Map<string, string[]>(); // fdId → fdKeyword

  function addReview(arg0: unknown, ns: string): WireAnswer {
    const field = (name: string) => {
      const value = pick(arg0, name);
      return typeof value === 'string' ? value : undefined;
    };
    const docSubject = field('docSubject');
    const fdTemplateId = field('fdTemplateId');
    if (!docSubject) return fault('soap:Server', '文档标题(docSubject)不能为空');
    if (!fdTemplateId || !options.templates.includes(fdTemplateId))
      return fault('soap:Server', '模板不存在或已被删除');
    const formValues = field('formValues') === undefined ? {} : parseJson(field('formValues'));
    if (typeof formValues !== 'object' || formValues === null)
      return fault('soap:Server', 'formValues格式错误');
    const creator = parseJson(field('docCreator') ?? '{}') as Record<string, unknown> | undefined;
    const login = creator?.LoginName;
    if (typeof login !== 'string' || !options.members.includes(login))
      return xml(200, soapReturn(ns, 'addReview', 'user is not exist'));
    const keyword = parseJson(field('fdKeyword') ?? '[]');
    const fdId = randomBytes(16).toString('hex');
    const doc = core.documents.add({
      externalId: fdId,
      subject: docSubject,
      template: fdTemplateId,
      initiator: login,
      caseKey: docSubject,
      form: { formValues, docContent: field('docContent'), docStatus: field('docStatus') },
    });
    keywords.set(
      doc.externalId,
      Array.isArray(keyword) ? keyword.filter((k): k is string => typeof k === 'string') : [],
    );
    return xml(200, soapReturn(ns, 'addReview', fdId));
  }

  function statusJson(doc: SimDocument): string {
    return JSON.stringify({
      fdId: doc.externalId,
      docStatus: DOC_STATUS[doc.state],
      docSubject: doc.subject,
      ...(doc.finishedAt === undefined ? {} : { docPublishTime: formatChinaTime(doc.finishedAt) }),
      ...(doc.approver === undefined ? {} : { handlerName: doc.approver }),
      ...(doc.opinion === undefined ? {} : { auditNote: doc.opinion }),
    });
  }

  function wire(request: WireRequest): WireAnswer {
    const service = [LANDRAY_REVIEW_SERVICE, LANDRAY_QUERY_SERVICE].find((s) => s.path === request.path);
    if (!service) return { status: 404, body: 'No service was found.' };
    if (request.method !== 'POST') return { status: 405, body: 'Method Not Allowed' };
    const call = parseSoapRequest(request.body);
    if (!call.ok) return fault('soap:Client', 'Unmarshalling Error: 请求不是合法的SOAP报文');
    if (options.soapUser !== undefined) {
      if (call.auth?.user !== options.soapUser || call.auth.password !== options.soapPassword) {
        return fault('soap:Client', 'WebService认证失败：用户名或密码错误');
      }
    }
    const arg = typeof call.arg0 === 'string' ? call.arg0 : '';
    if (service === LANDRAY_REVIEW_SERVICE && call.op === 'addReview')
      return addReview(call.arg0, service.ns);
    if (service === LANDRAY_QUERY_SERVICE && call.op === 'getReviewStatus') {
      const doc = core.documents.get(arg);
      return xml(200, soapReturn(service.ns, call.op, doc ? statusJson(doc) : ''));
    }
    if (service === LANDRAY_QUERY_SERVICE && call.op === 'findReviewByKeyword') {
      const ids = core.documents
        .all()
        .filter((doc) => keywords.get(doc.externalId)?.includes(arg))
        .map((doc) => doc.externalId);
      return xml(200, soapReturn(service.ns, call.op, JSON.stringify(ids)));
    }
    return fault('soap:Client', `Unexpected wrapper element {${service.ns}}${call.op} found.`);
  }

  const listener = createOaSimulatorListener({
    name: 'Landray',
    core,
    wirePaths: [LANDRAY_REVIEW_SERVICE.path, LANDRAY_QUERY_SERVICE.path],
    errorNames: LANDRAY_FAULT_ERRORS,
    wire,
    faultError(name, request) {
      if (name === 'fault') return fault('soap:Server', '系统内部错误');
      if (name === 'unauthorized') return { status: 401, body: 'Unauthorized' };
      if (name === 'garbage') return { status: 200, body: 'Service Unavailable <html' };
      if (name === 'doctype') return xml(200, BILLION_LAUGHS);
      const op = parseSoapRequest(request.body);
      return xml(
        200,
        soapReturn(LANDRAY_REVIEW_SERVICE.ns, op.ok ? op.op : 'addReview', 'user is not exist'),
      );
    },
    systemError: () => fault('soap:Server', '系统内部错误'),
    // An overloaded EKP answers from its servlet container, not with a SOAP Fault (a Fault means the
    // request itself was refused, which the connector rightly treats as permanent).
    chaosError: () => ({
      status: 503,
      body: '<html><body><h1>503 Service Unavailable</h1></body></html>',
      contentType: 'text/html',
    }),
  });
  return Object.assign(simulatorBase(core, listener), {});
}
