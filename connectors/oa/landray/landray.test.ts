import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OaConnector } from '../port';
import { rejection, SAMPLE_SECRETS, sampleCase } from '../testing';
import { createLandrayConnector, landrayFormValues } from './client';
import { LANDRAY_QUERY_SERVICE, LANDRAY_REVIEW_SERVICE } from './landray-config';
import { createLandraySimulator, type LandraySimulator } from './simulator';
import { parseSoapRequest } from './soap';

const TEMPLATE = '16f0d6e0c2b1a7d4e3f2a1b0c9d8e7f6';
const AUTH = { soapUser: 'gcrm-ws', soapPassword: 'Ws#Pass<&>0123' };
let sim: LandraySimulator;
let oa: OaConnector;

beforeEach(async () => {
  sim = createLandraySimulator({ ...AUTH, templates: [TEMPLATE], members: ['zhangsan'] });
  const baseUrl = await sim.listen(0);
  oa = createLandrayConnector({ baseUrl, ...AUTH, timeoutMs: 2000 });
});
afterEach(() => sim.close());

const landrayCase = () => sampleCase({ template: TEMPLATE });

describe('Landray adapter', () => {
  it('push → status → decide → status, escaping values and header', async () => {
    const c = landrayCase();
    const { externalId } = await oa.push(c);
    expect(externalId).toMatch(/^[0-9a-f]{32}$/);
    expect(await oa.status(externalId)).toMatchObject({ state: 'running' });
    sim.decide(externalId, { result: 'approved', opinion: '同意', approver: '王科长' });
    const status = await oa.status(externalId);
    expect(status).toMatchObject({ state: 'approved', opinion: '同意', approver: '王科长' });
    expect(status.finishedAt).toMatch(/\+08:00$/);

    const add = sim.received().find((r) => r.body.includes('addReview'));
    expect(add?.path).toBe(LANDRAY_REVIEW_SERVICE.path);
    const parsed = parseSoapRequest(add?.body ?? '');
    expect(parsed).toMatchObject({
      ok: true,
      op: 'addReview',
      auth: { user: AUTH.soapUser, password: AUTH.soapPassword },
    });
    const arg0 = (parsed as { arg0: Record<string, string> }).arg0;
    expect(arg0).toMatchObject({
      fdTemplateId: TEMPLATE,
      docStatus: '20',
      docSubject: `生育津贴申领（${c.caseNumber}）`,
    });
    expect(JSON.parse(arg0.docCreator ?? '')).toEqual({ LoginName: 'zhangsan' });
    expect(JSON.parse(arg0.fdKeyword ?? '')).toEqual([c.caseNumber]);
    expect(JSON.parse(arg0.formValues ?? '')).toMatchObject({
      bz: '<b>&"\'</b>',
      'dt1.cl': ['身份证', '出生医学证明'],
    });
  });

  it('detail tables go column-wise', () => {
    const values = landrayFormValues(
      sampleCase({ details: [{ table: 't', rows: [{ a: '1' }, { a: '2', b: '3' }] }] }),
    );
    expect(values).toMatchObject({ 't.a': ['1', '2'], 't.b': ['', '3'] });
  });

  it('a repeated push finds the first document by fdKeyword', async () => {
    const c = landrayCase();
    const first = await oa.push(c);
    expect(await oa.push(c)).toEqual(first);
    expect(sim.documents()).toHaveLength(1);
  });

  it('Faults, plain error texts, 401 and wrong SOAP credentials → typed errors', async () => {
    sim.setFault({ path: LANDRAY_REVIEW_SERVICE.path, error: 'fault' });
    const fault = await rejection(oa.push(landrayCase()));
    expect(fault).toMatchObject({ kind: 'permanent', code: 'SOAP_FAULT_SERVER', status: 500 });
    expect(await rejection(oa.push(sampleCase({ template: TEMPLATE, initiator: 'nobody' })))).toMatchObject({
      kind: 'permanent',
      code: 'PLAIN_ERROR',
    });
    expect(await rejection(oa.push(sampleCase({ template: 'nope' })))).toMatchObject({
      code: 'SOAP_FAULT_SERVER',
    });
    sim.setFault({ path: LANDRAY_QUERY_SERVICE.path, error: 'unauthorized' });
    expect(await rejection(oa.status('0'.repeat(32)))).toMatchObject({ kind: 'permanent', code: 'HTTP_401' });
    const wrong = createLandrayConnector({ baseUrl: sim.url, soapUser: 'gcrm-ws', soapPassword: 'x' });
    expect(await rejection(wrong.status('0'.repeat(32)))).toMatchObject({
      kind: 'permanent',
      code: 'SOAP_FAULT_CLIENT',
    });
    sim.setFault({ path: LANDRAY_QUERY_SERVICE.path, status: 503 });
    expect(await rejection(oa.status('0'.repeat(32)))).toMatchObject({ kind: 'retryable', code: 'HTTP_503' });
    for (const secret of [...SAMPLE_SECRETS, AUTH.soapPassword]) expect(String(fault)).not.toContain(secret);
  });

  it('garbage and DOCTYPE answers → typed errors, fast', async () => {
    sim.setFault({ path: LANDRAY_QUERY_SERVICE.path, error: 'garbage' });
    expect(await rejection(oa.status('0'.repeat(32)))).toMatchObject({
      kind: 'retryable',
      code: 'BAD_RESPONSE',
    });
    sim.setFault({ path: LANDRAY_QUERY_SERVICE.path, error: 'doctype' });
    const started = Date.now();
    expect(await rejection(oa.status('0'.repeat(32)))).toMatchObject({
      kind: 'permanent',
      code: 'UNSAFE_XML',
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a lost document reads as unknown; a withdrawn one as withdrawn', async () => {
    const a = await oa.push(landrayCase());
    const b = await oa.push(landrayCase());
    sim.drift(a.externalId, { kind: 'lost' });
    sim.drift(b.externalId, { kind: 'closed' });
    expect((await oa.status(a.externalId)).state).toBe('unknown');
    expect((await oa.status(b.externalId)).state).toBe('withdrawn');
  });

  it('the simulator answers a DOCTYPE request with a soap:Client Fault', async () => {
    const response = await fetch(`${sim.url}${LANDRAY_REVIEW_SERVICE.path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('soap:Client');
  });
});
