// One suite, every adapter + simulator pair: the OaConnector contract of port.ts.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { OaError } from './errors';
import { createGenericOaConnector } from './generic/client';
import { createGenericOaSimulator } from './generic/simulator';
import { createLandrayConnector } from './landray/client';
import { LANDRAY_QUERY_SERVICE, LANDRAY_REVIEW_SERVICE } from './landray/landray-config';
import { createLandraySimulator } from './landray/simulator';
import type { OaCase, OaConnector } from './port';
import { createSeeyonConnector, SEEYON_PATHS } from './seeyon/client';
import { createSeeyonSimulator } from './seeyon/simulator';
import type { OaSimulatorBase } from './shared/sim-server';
import { rejection, SAMPLE_SECRETS, sampleCase } from './testing';
import { createWeaverConnector, WEAVER_PATHS } from './weaver/client';
import { createWeaverSimulator } from './weaver/simulator';

interface Pair {
  oa: OaConnector;
  sim: OaSimulatorBase;
  makeCase(): OaCase;
  /** Path of the create call, for faults. */
  createPath: string;
  /** Wire paths for the fuzz property. */
  wirePaths: string[];
  /** The adapter holds a session that can expire. */
  sessions: boolean;
}

const PAIRS: Record<string, () => Promise<Pair>> = {
  async weaver() {
    const sim = createWeaverSimulator({
      appid: 'APP',
      users: { '7': '受理员', '1': '管理员' },
      workflows: { '88': { creators: ['7'] } },
    });
    const oa = createWeaverConnector({
      baseUrl: await sim.listen(0),
      appid: 'APP',
      serviceUserId: '1',
      userIdOf: () => '7',
      timeoutMs: 2000,
    });
    return {
      oa,
      sim,
      makeCase: () => sampleCase({ template: '88' }),
      createPath: WEAVER_PATHS.create,
      wirePaths: Object.values(WEAVER_PATHS),
      sessions: true,
    };
  },
  async seeyon() {
    const rest = { restUser: 'rest', restPassword: 'pw' };
    const sim = createSeeyonSimulator({
      ...rest,
      members: ['zhangsan', 'svc'],
      templates: { T1: { formmain: 'formmain_1' } },
    });
    const oa = createSeeyonConnector({
      baseUrl: await sim.listen(0),
      ...rest,
      forms: { T1: 'formmain_1' },
      serviceLoginName: 'svc',
      timeoutMs: 2000,
    });
    return {
      oa,
      sim,
      makeCase: () => sampleCase({ template: 'T1' }),
      createPath: SEEYON_PATHS.start,
      wirePaths: [...Object.values(SEEYON_PATHS), `${SEEYON_PATHS.state}/1`],
      sessions: true,
    };
  },
  async landray() {
    const template = 'a'.repeat(32);
    const sim = createLandraySimulator({ templates: [template], members: ['zhangsan'] });
    const oa = createLandrayConnector({ baseUrl: await sim.listen(0), timeoutMs: 2000 });
    return {
      oa,
      sim,
      makeCase: () => sampleCase({ template }),
      createPath: LANDRAY_REVIEW_SERVICE.path,
      wirePaths: [LANDRAY_REVIEW_SERVICE.path, LANDRAY_QUERY_SERVICE.path],
      sessions: false,
    };
  },
  async generic() {
    const sim = createGenericOaSimulator({ secret: 's3cret-key' });
    const oa = createGenericOaConnector({
      name: 'inhouse',
      baseUrl: await sim.listen(0),
      secret: 's3cret-key',
      timeoutMs: 2000,
    });
    return {
      oa,
      sim,
      makeCase: () => sampleCase(),
      createPath: '/cases',
      wirePaths: ['/cases', '/cases/x'],
      sessions: false,
    };
  },
};

let open: OaSimulatorBase | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(name: string): Promise<Pair> {
  const pair = await (PAIRS[name] as () => Promise<Pair>)();
  open = pair.sim;
  return pair;
}

describe.each(Object.keys(PAIRS))('OaConnector contract: %s', (name) => {
  it('push → running → decide approved → approved with opinion and approver', async () => {
    const { oa, sim, makeCase } = await start(name);
    const { externalId } = await oa.push(makeCase());
    expect(await oa.status(externalId)).toMatchObject({ externalId, state: 'running' });
    sim.decide(externalId, { result: 'approved', opinion: '同意办理', approver: '王科长' });
    const status = await oa.status(externalId);
    expect(status).toMatchObject({ externalId, state: 'approved', opinion: '同意办理', approver: '王科长' });
    expect(Number.isNaN(Date.parse(status.finishedAt ?? ''))).toBe(false);
  });

  it('decide rejected → rejected', async () => {
    const { oa, sim, makeCase } = await start(name);
    const { externalId } = await oa.push(makeCase());
    sim.decide(externalId, { result: 'rejected', opinion: '材料不全' });
    expect(await oa.status(externalId)).toMatchObject({ state: 'rejected', opinion: '材料不全' });
  });

  it('a repeated push of the same caseId creates one document', async () => {
    const { oa, sim, makeCase } = await start(name);
    const c = makeCase();
    const first = await oa.push(c);
    const again = await Promise.all([oa.push(c), oa.push({ ...c })]);
    expect(again).toEqual([first, first]);
    expect(sim.documents()).toHaveLength(1);
  });

  it('drift: a lost document reads unknown, one closed in the OA reads withdrawn', async () => {
    const { oa, sim, makeCase } = await start(name);
    const lost = await oa.push(makeCase());
    const closed = await oa.push(makeCase());
    sim.drift(lost.externalId, { kind: 'lost' });
    sim.drift(closed.externalId, { kind: 'closed' });
    expect((await oa.status(lost.externalId)).state).toBe('unknown');
    expect((await oa.status(closed.externalId)).state).toBe('withdrawn');
  });

  it('an expired session is renewed once, transparently', async () => {
    const { oa, sim, makeCase, sessions } = await start(name);
    const { externalId } = await oa.push(makeCase());
    sim.expireTokens();
    sim.advanceClock(sessions ? 7200 : 0);
    expect((await oa.status(externalId)).state).toBe('running');
  });

  it('5xx, 429 and a dropped socket → typed errors without personal data', async () => {
    const { oa, sim, makeCase, createPath } = await start(name);
    sim.setFault({ path: createPath, status: 503 });
    const busy = await rejection(oa.push(makeCase()));
    expect(busy).toBeInstanceOf(OaError);
    expect(busy).toMatchObject({ kind: 'retryable', system: oa.system });
    sim.setFault({ path: createPath, status: 429 });
    expect(await rejection(oa.push(makeCase()))).toMatchObject({ kind: 'rateLimited', retryAfterMs: 1000 });
    sim.setFault({ path: createPath, drop: true });
    expect(await rejection(oa.push(makeCase()))).toMatchObject({ kind: 'retryable' });
    for (const secret of SAMPLE_SECRETS) expect(String(busy)).not.toContain(secret);
  });

  it('the simulator survives random requests on its wire paths (property)', async () => {
    const { sim, wirePaths } = await start(name);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...wirePaths),
        fc.constantFrom('GET', 'POST', 'PUT'),
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constantFrom('<?xml version="1.0"?><a>', '<!DOCTYPE x><x/>', 'a=1&mainData=[{'),
        ),
        fc.dictionary(
          fc.constantFrom('token', 'appid', 'userid', 'x-gcrm-signature', 'content-type'),
          fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        ),
        async (path, method, body, headers) => {
          const response = await fetch(`${sim.url}${path}`, {
            method,
            headers,
            ...(method === 'GET' ? {} : { body }),
          });
          await response.text();
          expect(response.status).toBeGreaterThanOrEqual(200);
          expect(response.status).toBeLessThan(600);
        },
      ),
      { numRuns: 60 },
    );
    const alive = await fetch(`${sim.url}/__sandbox/documents`);
    expect(alive.status).toBe(200);
  });
});
