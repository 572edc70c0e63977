import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OaError } from '../errors';
import type { OaConnector } from '../port';
import { rejection, SAMPLE_SECRETS, sampleCase } from '../testing';
import { createWeaverConnector, WEAVER_PATHS } from './client';
import { generateRsaKeyPair, rsaDecryptBase64, rsaEncryptBase64 } from './rsa';
import { createWeaverSimulator, type WeaverSimulator } from './simulator';

const APPID = 'EEAA5436-7577-4BE0-8C6C-89E9D88805EA';
let sim: WeaverSimulator;
let oa: OaConnector;

beforeEach(async () => {
  sim = createWeaverSimulator({
    appid: APPID,
    users: { '101': '张审批', '102': '李受理', '1': '系统管理员' },
    workflows: { '88': { creators: ['102'] } },
  });
  const baseUrl = await sim.listen(0);
  oa = createWeaverConnector({
    baseUrl,
    appid: APPID,
    serviceUserId: '1',
    userIdOf: (login) => (login === 'lisl' ? '102' : '101'),
    timeoutMs: 2000,
  });
});
afterEach(() => sim.close());

const weaverCase = () => sampleCase({ template: '88', initiator: 'lisl' });
const calls = (path: string) => sim.stats().byPath[path] ?? 0;

describe('RSA wrapping', () => {
  it('round-trips PKCS#1 v1.5 and refuses garbage', () => {
    const keys = generateRsaKeyPair();
    expect(rsaDecryptBase64(rsaEncryptBase64('secrit-值', keys.publicKeyBase64), keys.privateKey)).toBe(
      'secrit-值',
    );
    expect(rsaDecryptBase64('bm9wZQ==', keys.privateKey)).toBeNull();
    expect(rsaDecryptBase64(Buffer.alloc(128, 7).toString('base64'), keys.privateKey)).toBeNull();
  });
});

describe('Weaver adapter', () => {
  it('push → status → decide → status, with the handshake once', async () => {
    const c = weaverCase();
    const { externalId } = await oa.push(c);
    expect(externalId).toBe('447473');
    expect(await oa.status(externalId)).toMatchObject({ externalId, state: 'running' });
    sim.decide(externalId, { result: 'approved', opinion: '同意', approver: '张审批' });
    const status = await oa.status(externalId);
    expect(status).toMatchObject({ state: 'approved', opinion: '同意', approver: '张审批' });
    expect(status.finishedAt).toMatch(/\+08:00$/);
    expect(calls(WEAVER_PATHS.regist)).toBe(1);
    expect(calls(WEAVER_PATHS.applytoken)).toBe(1);

    const create = sim.received().find((r) => r.path === WEAVER_PATHS.create);
    expect(create?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = new URLSearchParams(create?.body);
    expect(form.get('workflowId')).toBe('88');
    expect(form.get('requestName')).toBe(`生育津贴申领（${c.caseNumber}）`);
    expect(JSON.parse(form.get('mainData') ?? '')).toContainEqual({ fieldName: 'xm', fieldValue: '张三' });
    expect(JSON.parse(form.get('detailData') ?? '')[0]).toMatchObject({
      tableDBName: 'dt1',
      workflowRequestTableRecords: [{ recordOrder: 0 }, { recordOrder: 1 }],
    });
    expect(JSON.parse(form.get('otherParams') ?? '')).toEqual({ isnextflow: '1' });
    expect(create?.headers.userid).not.toBe('102');
  });

  it('a repeated push finds the first request and creates none', async () => {
    const c = weaverCase();
    const first = await oa.push(c);
    expect(await oa.push(c)).toEqual(first);
    expect(sim.documents()).toHaveLength(1);
  });

  it('an expired token (clock or revoked) → applytoken once more and the call succeeds', async () => {
    const { externalId } = await oa.status('1').then(() => oa.push(weaverCase()));
    sim.expireTokens();
    expect((await oa.status(externalId)).state).toBe('running');
    expect(calls(WEAVER_PATHS.applytoken)).toBe(2);
    sim.setFault({ path: WEAVER_PATHS.status, error: 'sessionTimeout' });
    expect((await oa.status(externalId)).state).toBe('running');
    expect(calls(WEAVER_PATHS.applytoken)).toBe(3);
    sim.setFault({ path: WEAVER_PATHS.status, error: 'tokenExpired', times: 2 });
    expect(await rejection(oa.status(externalId))).toMatchObject({
      kind: 'authExpired',
      code: 'TOKEN_EXPIRED',
    });
  });

  it('vendor error bodies become typed errors without personal data', async () => {
    const noRight = await rejection(oa.push(sampleCase({ template: '88', initiator: 'other' })));
    expect(noRight).toBeInstanceOf(OaError);
    expect(noRight).toMatchObject({ kind: 'permanent', code: 'NO_PERMISSION' });
    expect(await rejection(oa.push(sampleCase({ template: '99', initiator: 'lisl' })))).toMatchObject({
      kind: 'permanent',
      code: 'PARAM_ERROR',
    });
    sim.setFault({ path: WEAVER_PATHS.applytoken, error: 'secretDecrypt' });
    const fresh = createWeaverConnector({ baseUrl: sim.url, appid: APPID, serviceUserId: '1' });
    const secret = await rejection(fresh.status('447473'));
    expect(secret).toMatchObject({ kind: 'permanent', code: 'AUTH_FAILED' });
    sim.setFault({ path: WEAVER_PATHS.create, status: 503 });
    expect(await rejection(oa.push(weaverCase()))).toMatchObject({ kind: 'retryable', code: 'HTTP_503' });
    sim.setFault({ path: WEAVER_PATHS.create, status: 429 });
    expect(await rejection(oa.push(weaverCase()))).toMatchObject({ kind: 'rateLimited', retryAfterMs: 1000 });
    for (const error of [noRight, secret]) {
      for (const secretText of [...SAMPLE_SECRETS, APPID]) expect(String(error)).not.toContain(secretText);
    }
  });

  it('a lost request reads as unknown; a sent-back one as rejected', async () => {
    const a = await oa.push(weaverCase());
    const b = await oa.push(weaverCase());
    sim.drift(a.externalId, { kind: 'lost' });
    expect((await oa.status(a.externalId)).state).toBe('unknown');
    sim.decide(b.externalId, { result: 'rejected', opinion: '材料不全' });
    expect(await oa.status(b.externalId)).toMatchObject({ state: 'rejected', opinion: '材料不全' });
  });

  it('refuses attachments without a configured file field', async () => {
    const error = await rejection(
      oa.push(
        sampleCase({
          template: '88',
          initiator: 'lisl',
          attachments: [{ name: 'a.pdf', url: 'http://files/a.pdf' }],
        }),
      ),
    );
    expect(error).toMatchObject({ kind: 'permanent', code: 'ATTACHMENTS_UNSUPPORTED' });
  });
});
