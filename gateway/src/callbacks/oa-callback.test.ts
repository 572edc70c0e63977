import type { OaConnector } from '@gcrm/connectors/oa';
import {
  createGenericOaConnector,
  createGenericOaSimulator,
  type GenericOaSimulator,
  signGenericOaCallback,
} from '@gcrm/connectors/oa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { type InboxEvent, InboxHandlers } from './inbox-handlers';
import { type Harness, rowsOf, startHarness, until } from './testing/harness';

const SECRET = 'generic-oa-callback-secret-0123456789';

describe(`generic OA result callbacks (${dialect})`, () => {
  let h: Harness;
  let sim: GenericOaSimulator;
  let oa: OaConnector;
  const applied: InboxEvent[] = [];

  beforeAll(async () => {
    const handlers = new InboxHandlers().on('oa:*', 'result', async (event) => {
      applied.push(event);
    });
    h = await startHarness({
      handlers,
      oaSecret: (system) => (system === 'generic:hr' ? SECRET : undefined),
    });
    sim = createGenericOaSimulator({ secret: SECRET, callbackBackoffMs: 20 });
    const baseUrl = await sim.listen(0);
    oa = createGenericOaConnector({ name: 'hr', baseUrl, secret: SECRET, timeoutMs: 2000 });
    sim.setCallbackUrl(`${h.url}/callbacks/oa/generic:hr`);
  });
  afterAll(async () => {
    await sim?.close();
    await h?.close();
  });

  const caseOf = (n: number) => ({
    caseId: `case-${n}-${Date.now()}`,
    caseNumber: `GC2026${String(n).padStart(6, '0')}`,
    title: '生育津贴申领',
    serviceCode: 'SVC-001',
    template: 'TPL',
    initiator: 'zhangsan',
    fields: { bz: '备注' },
  });

  it('stores a decided document once (redecided documents and redeliveries collapse) and applies it', async () => {
    const { externalId } = await oa.push(caseOf(1));
    const decided = await fetch(`${sim.url}/__sandbox/documents/${externalId}/decide`, {
      method: 'POST',
      body: JSON.stringify({ result: 'approved', opinion: '同意', approver: 'wang' }),
    });
    expect(decided.status).toBe(200);
    await sim.callbacksSettled();
    expect(sim.deliveries().map((d) => d.status)).toEqual([200]);
    await until(() => applied.length === 1);
    expect(applied[0]).toMatchObject({
      source: 'oa:generic:hr',
      eventType: 'result',
      dedupeKey: `${externalId}:approved`,
      payload: { externalId, state: 'approved', opinion: '同意' },
    });
    // The same result signed anew (the OA's own retry): acknowledged, not applied again.
    const body = JSON.stringify({ externalId, state: 'approved' });
    const again = await fetch(`${h.url}/callbacks/oa/generic:hr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signGenericOaCallback(body, SECRET) },
      body,
    });
    expect(again.status).toBe(200);
    await h.inbox.drain();
    expect(applied).toHaveLength(1);
    expect(await rowsOf(h, 'oa:generic:hr')).toHaveLength(1);
  });

  it('refuses unknown systems, bad signatures, stale timestamps, reused nonces and bad bodies', async () => {
    const send = (path: string, body: string, headers: Record<string, string>) =>
      fetch(`${h.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const body = JSON.stringify({ externalId: 'x-1', state: 'rejected' });
    expect(
      (await send('/callbacks/oa/generic:other', body, signGenericOaCallback(body, SECRET))).status,
    ).toBe(403);
    expect(
      (await send('/callbacks/oa/generic:hr', body, signGenericOaCallback(body, 'wrong-secret-000000')))
        .status,
    ).toBe(403);
    expect((await send('/callbacks/oa/generic:hr', body, {})).status).toBe(401);
    const stale = signGenericOaCallback(body, SECRET, Date.now() - 301_000);
    expect((await send('/callbacks/oa/generic:hr', body, stale)).status).toBe(403);
    const headers = signGenericOaCallback(body, SECRET);
    expect((await send('/callbacks/oa/generic:hr', body, headers)).status).toBe(200);
    expect((await send('/callbacks/oa/generic:hr', body, headers)).status).toBe(403);
    const notResult = '{"externalId": 5}';
    expect(
      (await send('/callbacks/oa/generic:hr', notResult, signGenericOaCallback(notResult, SECRET))).status,
    ).toBe(400);
    expect((await fetch(`${h.url}/callbacks/oa/generic:hr`)).status).toBe(405);
  });
});
