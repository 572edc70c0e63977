import {
  createGenericOaConnector,
  createGenericOaSimulator,
  type GenericOaSimulator,
  type OaCase,
  type OaConnector,
} from '@gcrm/connectors/oa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { InboxHandlers, InboxService, inboxMigrations } from '../callbacks';
import { IntegrationLinks, integrationMigrations } from '../integration/links';
import { oaResultHandler } from '../integration/oa-integration';
import { migrate } from '../platform/db/migrate';
import { createInfrastructure, type Infrastructure } from '../platform/infrastructure';
import { outboxMigrations } from '../platform/outbox/outbox';
import { linkChecksums } from './checksum';
import { driftMigrations } from './drift';
import { reconcileOaSystem } from './oa-reconcile';

const SECRET = 'reconcile-oa-secret-0123456789';
const KIND = 'oa:generic:hr' as const;

describe(`OA reconciliation (${dialect})`, () => {
  let h: { env: TestEnv; infra: Infrastructure; inbox: InboxService };
  let sim: GenericOaSimulator;
  let connector: OaConnector;
  let links: IntegrationLinks;
  const applied: { nodeInstanceId: string; outcome: string }[] = [];
  let run = 0;

  const caseOf = (i: number): OaCase => ({
    caseId: `case-${i}`,
    caseNumber: `GC2026${String(i).padStart(6, '0')}`,
    title: '对账测试事项',
    serviceCode: 'SVC-001',
    template: 'TPL',
    initiator: 'zhangsan',
    fields: { bz: '对账' },
  });
  const deps = () => ({
    db: h.infra.database.db,
    systems: [{ id: 'generic:hr', connector }],
    inbox: h.inbox,
    oaCase: async (_system: string, link: { caseId: string }) => caseOf(Number(link.caseId.slice(5))),
    pageSize: 3,
  });
  const ctx = (checkpoint: string | null = null, abortAfter = Number.POSITIVE_INFINITY) => {
    let checks = 0;
    return {
      runId: `run-${++run}`,
      checkpoint,
      signal: {
        get aborted() {
          return checks++ >= abortAfter;
        },
      } as AbortSignal,
      progress: async () => {},
    };
  };
  const driftOf = (runId: string) =>
    h.infra.database.db.selectFrom('reconcile_drift').selectAll().where('run_id', '=', runId).execute();

  /** Pushes case i and links it (as the push sender does for a step waiting for its result). */
  async function pushed(i: number): Promise<string> {
    const { externalId } = await connector.push(caseOf(i));
    await links.record(KIND, externalId, `node-${i}`, `case-${i}`);
    return externalId;
  }

  beforeAll(async () => {
    const handlers = new InboxHandlers();
    const env = await createTestEnv();
    const infra = createInfrastructure(env.config, env.redisPrefix);
    h = { env, infra, inbox: new InboxService(infra.database.db, handlers) };
    const db = h.infra.database.db;
    await migrate(db, outboxMigrations, inboxMigrations, integrationMigrations, driftMigrations);
    links = new IntegrationLinks(db);
    handlers.on(
      'oa:*',
      'result',
      oaResultHandler(
        links,
        async (nodeInstanceId, outcome) => void applied.push({ nodeInstanceId, outcome }),
        async () => {},
      ),
    );
    sim = createGenericOaSimulator({ secret: SECRET, callsPerMinute: 100_000 });
    connector = createGenericOaConnector({ name: 'hr', baseUrl: await sim.listen(0), secret: SECRET });
  });
  afterAll(async () => {
    await sim?.close();
    await h?.infra.close();
    await h?.env.cleanup();
  });

  it('our checksums (SQL) equal the OA simulator checksums when nothing drifted', async () => {
    for (let i = 1; i <= 20; i++) await pushed(i);
    const ours = await linkChecksums(h.infra.database.db, KIND);
    expect(ours).toEqual(await connector.checksums!(4096));
    const r = await reconcileOaSystem(deps(), deps().systems[0]!, ctx());
    expect(r.counts).toMatchObject({ bucketsDiffering: 0, compared: 0, repaired: 0, needsPerson: 0 });
  });

  it('finds, repairs or reports a planted drift of every kind; a second run finds nothing', async () => {
    const missed = await pushed(101);
    sim.decide(missed, { result: 'approved', opinion: '同意' }); // no callback URL: the result is missed
    const lost = await pushed(102);
    sim.drift(lost, { kind: 'lost' });
    await links.record(KIND, 'never-received-103', 'node-103', 'case-103');
    const withdrawn = await pushed(104);
    sim.drift(withdrawn, { kind: 'closed' });
    const regressed = await pushed(105);
    sim.decide(regressed, { result: 'rejected' });
    await links.close(KIND, regressed, 'applied', 'rejected');
    sim.drift(regressed, { kind: 'status', state: 'running' });
    const gone = await pushed(106);
    sim.decide(gone, { result: 'approved' });
    await links.close(KIND, gone, 'applied', 'approved');
    sim.drift(gone, { kind: 'lost' });
    await connector.push(caseOf(107)); // a push that waits for no result: no link, not drift

    const c = ctx();
    const r = await reconcileOaSystem(deps(), deps().systems[0]!, c);
    expect(r.counts).toMatchObject({
      'drift.oa.result_missed': 1,
      'drift.oa.not_received': 2,
      'drift.oa.closed_in_oa': 1,
      'drift.oa.state': 1,
      'drift.oa.lost': 1,
      repaired: 3,
      needsPerson: 3,
      unlinked: 1,
      failed: 0,
    });
    expect(r.checkpoint).toBeNull();
    expect(applied).toEqual([{ nodeInstanceId: 'node-101', outcome: 'approved' }]);
    expect((await links.byLocal(KIND, 'node-101'))?.state).toBe('applied');
    // Re-pushed: the links point at the OA's new documents, which are running.
    for (const node of ['node-102', 'node-103']) {
      const link = await links.byLocal(KIND, node);
      expect(link?.externalId).not.toMatch(/^never-received|^$/);
      expect(sim.documents().find((d) => d.externalId === link?.externalId)?.state).toBe('running');
    }
    const items = await driftOf(c.runId);
    expect(items).toHaveLength(6);
    expect(items.find((i) => i.kind === 'oa.closed_in_oa')).toMatchObject({
      ref: 'node-104',
      outcome: 'needs_person',
    });
    expect(items.every((i) => /[\u4e00-\u9fa5]/.test(i.note))).toBe(true);

    const again = await reconcileOaSystem(deps(), deps().systems[0]!, ctx());
    expect(again.counts).toMatchObject({ bucketsDiffering: 1, repaired: 0, needsPerson: 0 }); // the unlinked one
    expect(again.summary).toBe('未发现差异');
  });

  it('an aborted run returns its checkpoint; the resumed run finishes without re-reporting', async () => {
    const planted: string[] = [];
    for (let i = 201; i <= 230; i++) {
      const id = await pushed(i);
      sim.decide(id, { result: i % 2 ? 'approved' : 'rejected' });
      planted.push(id);
    }
    const first = ctx(null, 5);
    const r1 = await reconcileOaSystem(deps(), deps().systems[0]!, first);
    expect(r1.checkpoint).toMatch(/^\d+$/);
    const n1 = (await driftOf(first.runId)).length;
    expect(n1).toBeGreaterThan(0);
    expect(n1).toBeLessThan(30);
    const second = ctx(r1.checkpoint!);
    const r2 = await reconcileOaSystem(deps(), deps().systems[0]!, second);
    expect(r2.checkpoint).toBeNull();
    const items = [...(await driftOf(first.runId)), ...(await driftOf(second.runId))];
    expect(items.map((i) => i.external_id).sort()).toEqual([...planted].sort());
    expect(new Set(items.map((i) => i.kind))).toEqual(new Set(['oa.result_missed']));
    const third = await reconcileOaSystem(deps(), deps().systems[0]!, ctx());
    expect(third.counts).toMatchObject({ repaired: 0, needsPerson: 0 });
  });

  it('reconciles an OA without checksum endpoints from its listing', async () => {
    const { checksums: _c, listBucket: _l, ...plain } = connector;
    const id = await pushed(301);
    sim.decide(id, { result: 'approved' });
    const r = await reconcileOaSystem(deps(), { id: 'generic:hr', connector: plain as OaConnector }, ctx());
    expect(r.counts).toMatchObject({ 'drift.oa.result_missed': 1, repaired: 1, needsPerson: 0 });
  });
});
