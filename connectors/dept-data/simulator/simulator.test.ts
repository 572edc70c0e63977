import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../../core/testing/raw-http';
import { describeSimulatorFuzz } from '../../core/testing/simulator-fuzz';
import { buildIdNumber } from '../id-number';
import { createPopulation } from '../population/population';
import { DEPT_SOURCE_KEYS, DEPT_SOURCES, type DeptSourceKey } from '../sources';
import { createDeptSimulator, DEMO_DEPT_APP, type DeptSimulator } from './simulator';

const population = createPopulation({ seed: 4, size: 200 });
const sims = new Map<DeptSourceKey, { sim: DeptSimulator; base: string; token: string }>();

async function tokenOf(base: string): Promise<string> {
  const answer = await postJson(base, '/v1/token', DEMO_DEPT_APP);
  expect(answer.body).toMatchObject({ errcode: 0, expires_in: 7200 });
  return answer.body.access_token as string;
}

beforeAll(async () => {
  for (const source of DEPT_SOURCE_KEYS) {
    const sim = createDeptSimulator(source, { population });
    const base = await sim.listen(0);
    sims.set(source, { sim, base, token: await tokenOf(base) });
  }
});
afterAll(async () => {
  for (const { sim } of sims.values()) await sim.close();
});

const at = (source: DeptSourceKey) => sims.get(source)!;

describe('department simulators on the wire', () => {
  it('each source answers the population’s record by ID number, or 44004', async () => {
    for (const source of DEPT_SOURCE_KEYS) {
      const { base, token } = at(source);
      const resource = DEPT_SOURCES[source].resource;
      let found = 0;
      for (const person of population.persons(0, 40)) {
        const answer = await getJson(base, `/v1/persons/${person.idNumber}/${resource}`, {
          access_token: token,
        });
        const expected = population.record(source, person.idNumber);
        if (expected) {
          found += 1;
          expect(answer.body).toEqual({ errcode: 0, errmsg: 'ok', data: expected });
        } else {
          expect(answer.body).toEqual({ errcode: 44004, errmsg: '未查询到该身份证号码的记录' });
        }
      }
      expect(found, source).toBeGreaterThan(0);
    }
  });

  it('checks the token: 41001 missing, 40014 unknown, 42001 expired', async () => {
    const { sim, base, token } = at('marriage');
    const path = `/v1/persons/${population.person(0).idNumber}/marriages`;
    expect((await getJson(base, path)).body).toMatchObject({ errcode: 41001, errmsg: '缺少访问令牌' });
    expect((await getJson(base, path, { access_token: 'nope' })).body).toMatchObject({ errcode: 40014 });
    expect((await postJson(base, '/v1/token', { appKey: 'gcrm-demo', appSecret: 'x' })).body).toMatchObject({
      errcode: 40001,
    });
    sim.advanceClock(7200);
    expect((await getJson(base, path, { access_token: token })).body).toMatchObject({
      errcode: 42001,
      errmsg: '访问令牌已过期',
    });
    at('marriage').token = await tokenOf(base);
  });

  it('answers unknown paths with HTTP 404 and errcode 40400', async () => {
    const { base } = at('hukou');
    const answer = await getJson(base, '/v1/persons/x/marriages');
    expect(answer).toEqual({ status: 404, body: { errcode: 40400, errmsg: '接口不存在' } });
  });

  it('sandbox: records can be replaced and removed, changes need a known type', async () => {
    const { base, token } = at('education');
    const person = population.person(2);
    const record = { name: person.name, enrolments: [] };
    const put = await postJson(
      base,
      '/__sandbox/records',
      { idNumber: person.idNumber, record, change: { type: 'enrolled', occurredAt: '2025-09-01' } },
      {},
      'PUT',
    );
    expect(put.body).toMatchObject({
      ok: true,
      change: { seq: 1, type: 'enrolled', idNumbers: [person.idNumber] },
    });
    const pulled = await getJson(base, `/v1/persons/${person.idNumber}/enrolments`, { access_token: token });
    expect(pulled.body.data).toEqual({ ...record, idNumber: person.idNumber });

    const bad = await postJson(base, '/__sandbox/changes', {
      type: 'birth_registered',
      idNumbers: [person.idNumber],
    });
    expect(bad.status).toBe(400);
    const badId = await postJson(base, '/__sandbox/changes', { type: 'graduated', idNumbers: ['123'] });
    expect(badId.status).toBe(400);

    const stored = await getJson(base, '/__sandbox/records', { idNumber: person.idNumber });
    expect(stored.body.record).toMatchObject({ idNumber: person.idNumber });
    await fetch(`${base}/__sandbox/records?idNumber=${person.idNumber}`, { method: 'DELETE' });
    const gone = await getJson(base, `/v1/persons/${person.idNumber}/enrolments`, { access_token: token });
    expect(gone.body).toMatchObject({ errcode: 44004 });
  });

  it('a birth shows up consistently in 户籍 and 卫健 feeds', async () => {
    const family = population.family(0);
    const mother = family.members.find((m) => m.gender === '女' && m.role !== 'child')!;
    const baby = buildIdNumber('110101', '2025-12-01', 999);
    const hukou = at('hukou');
    const health = at('health');
    hukou.sim.emitChange({
      type: 'birth_registered',
      idNumbers: [baby, mother.idNumber],
      occurredAt: '2025-12-20',
    });
    health.sim.emitChange({ type: 'birth_certificate_issued', idNumbers: [baby, mother.idNumber] });
    for (const { base, token } of [hukou, health]) {
      const page = await getJson(base, '/v1/changes', { access_token: token, limit: '10' });
      expect(page.body.data).toMatchObject({
        changes: [{ idNumbers: [baby, mother.idNumber] }],
        hasMore: false,
      });
    }
  });
});

let fuzzTarget = { base: '', token: '' };
beforeAll(async () => {
  const { base } = at('property');
  fuzzTarget = { base, token: await tokenOf(base) };
});
describeSimulatorFuzz(() => ({ ...fuzzTarget, clearFaults: () => at('property').sim.clearFaults() }), {
  wire: [
    '/v1/token',
    '/v1/changes',
    '/v1/persons/batch',
    `/v1/persons/${population.person(0).idNumber}/properties`,
  ],
  sandbox: [
    '/__sandbox/records',
    '/__sandbox/changes',
    '/__sandbox/months',
    '/__sandbox/faults',
    '/__sandbox/clock',
  ],
  names: ['access_token', 'cursor', 'limit', 'idNumber', 'appKey', 'appSecret'],
  bodyKeys: ['idNumbers', 'record', 'change', 'type', 'occurredAt', 'months', 'path', 'errcode'],
  values: [
    population.person(0).idNumber,
    'gcrm-demo',
    'gcrm-demo-secret',
    'property_registered',
    100,
    101,
    0,
  ],
});
