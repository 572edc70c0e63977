import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OaConnector } from '../port';
import { rejection, SAMPLE_SECRETS, sampleCase } from '../testing';
import { createSeeyonConnector, SEEYON_PATHS, summaryIdOf } from './client';
import { createSeeyonSimulator, type SeeyonSimulator } from './simulator';

const REST = { restUser: 'gcrm-rest', restPassword: 'Rest#Pass-0123' };
let sim: SeeyonSimulator;
let oa: OaConnector;

beforeEach(async () => {
  sim = createSeeyonSimulator({
    ...REST,
    members: ['zhangsan', 'lisi', 'svc'],
    templates: { TPL_001: { formmain: 'formmain_2817', starters: ['zhangsan'] } },
    tokenIdleSeconds: 600,
  });
  const baseUrl = await sim.listen(0);
  oa = createSeeyonConnector({
    baseUrl,
    ...REST,
    forms: { TPL_001: 'formmain_2817' },
    serviceLoginName: 'svc',
    timeoutMs: 2000,
  });
});
afterEach(() => sim.close());

const seeyonCase = () => sampleCase({ template: 'TPL_001' });
const calls = (path: string) => sim.stats().byPath[path] ?? 0;

describe('Seeyon adapter', () => {
  it('push → status → decide → status', async () => {
    const c = seeyonCase();
    const { externalId } = await oa.push(c);
    expect(externalId).toMatch(/^-?\d+$/);
    expect(await oa.status(externalId)).toMatchObject({ state: 'running' });
    sim.decide(externalId, { result: 'rejected', opinion: '不符合条件', approver: '王科长' });
    expect(await oa.status(externalId)).toMatchObject({
      state: 'rejected',
      opinion: '不符合条件',
      approver: '王科长',
    });
    const start = sim.received().find((r) => r.path === SEEYON_PATHS.start);
    expect(JSON.parse(start?.body ?? '')).toMatchObject({
      appName: 'collaboration',
      data: {
        templateCode: 'TPL_001',
        draft: '0',
        subject: `生育津贴申领（${c.caseNumber}）`,
        data: { formmain_2817: { xm: '张三' }, dt1: [{ cl: '身份证' }, { cl: '出生医学证明' }] },
      },
    });
    expect(start?.headers.token).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs in per acting login name and re-logs in once on 401 1010', async () => {
    const { externalId } = await oa.push(seeyonCase());
    expect(calls(SEEYON_PATHS.token)).toBe(1); // zhangsan
    await oa.status(externalId);
    await oa.status(externalId);
    expect(calls(SEEYON_PATHS.token)).toBe(2); // svc, once
    sim.advanceClock(601); // idle expiry
    expect((await oa.status(externalId)).state).toBe('running');
    expect(calls(SEEYON_PATHS.token)).toBe(3);
    sim.setFault({ path: `${SEEYON_PATHS.state}/${externalId}`, error: 'unauthorized', times: 2 });
    expect(await rejection(oa.status(externalId))).toMatchObject({ kind: 'authExpired', code: '1010' });
  });

  it('a repeated push finds the first document through the sent list', async () => {
    const c = seeyonCase();
    const first = await oa.push(c);
    expect(await oa.push({ ...c })).toEqual(first);
    expect(sim.documents()).toHaveLength(1);
  });

  it('vendor errors → typed errors without personal data', async () => {
    const noRight = await rejection(oa.push(sampleCase({ template: 'TPL_001', initiator: 'lisi' })));
    expect(noRight).toMatchObject({ kind: 'permanent', code: 'SEEYON_1' });
    const wrongLogin = createSeeyonConnector({
      baseUrl: sim.url,
      ...REST,
      restPassword: 'x',
      forms: { TPL_001: 'formmain_2817' },
      serviceLoginName: 'svc',
    });
    expect(await rejection(wrongLogin.status('1'))).toMatchObject({
      kind: 'permanent',
      code: 'LOGIN_FAILED',
    });
    expect(await rejection(oa.push(sampleCase({ template: 'NOPE' })))).toMatchObject({
      code: 'UNKNOWN_TEMPLATE',
    });
    sim.setFault({ path: SEEYON_PATHS.start, drop: true });
    expect(await rejection(oa.push(seeyonCase()))).toMatchObject({ kind: 'retryable', code: 'ECONNRESET' });
    for (const secret of [...SAMPLE_SECRETS, REST.restPassword])
      expect(String(noRight)).not.toContain(secret);
  });

  it('reads app_bussiness_data as a string or an object', () => {
    expect(summaryIdOf({ app_bussiness_data: '{"summaryId":"-42"}' })).toBe('-42');
    expect(summaryIdOf({ app_bussiness_data: { summaryId: 7 } })).toBe('7');
    expect(summaryIdOf({ app_bussiness_data: 'not json' })).toBeUndefined();
  });
});
