import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { eventually } from '../support/eventually';
import { call } from '../support/http';

// DINGTALK_MODE=stream: no public callback URL; the gateway keeps an outbound Stream connection to the
// (simulated) DingTalk gateway, and an approval decided in DingTalk reaches the workflow over it.
describe(`DingTalk events over Stream mode (${dialect})`, () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ DINGTALK_MODE: 'stream' });
    const security = await t.staffLogin('st-admin-security');
    for (const [staffId, userid] of [
      ['st-hrss-clerk-1', 'liuyang'],
      ['st-hrss-clerk-2', 'lina'],
    ] as const) {
      const linked = await call(`${t.url}/api/v1/admin/staff/${staffId}/identities/dingtalk`, {
        method: 'PUT',
        token: security,
        body: { externalId: userid, unionId: `u-${userid}` },
      });
      expect(linked.status).toBeLessThan(300);
    }
  });
  afterAll(async () => t?.stop());

  it('has no HTTP callback route and applies a DingTalk approval decision that came over Stream', async () => {
    const sim = t.gateway.dingtalkSimulator!;
    expect((await fetch(`${t.url}/callbacks/dingtalk`, { method: 'POST', body: '{}' })).status).toBe(404);
    const citizen = await t.login();
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: citizen.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: validApplication(),
    });
    expect(submitted.status).toBe(201);
    const instance = await eventually(
      'the mirrored approval',
      async () => {
        for (const e of sim.events()) {
          if (e.eventType !== 'bpms_task_change' || e.data.type !== 'start') continue;
          const i = (await call(`${sim.url}/__sandbox/approvals/${String(e.data.processInstanceId)}`)).body;
          if (JSON.stringify(i).includes(submitted.body.caseNumber) && i.status === 'RUNNING')
            return { id: String(e.data.processInstanceId), userid: String(e.data.staffId) };
        }
        return undefined;
      },
      (found) => found !== undefined,
    );
    expect(
      sim.decideApproval(instance!.id, { userid: instance!.userid, result: 'agree', remark: '同意' }),
    ).toBeUndefined();
    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const history = await eventually(
      'the decision from Stream',
      async () => (await call(`${t.url}/api/v1/staff/cases/${submitted.body.id}`, { token: clerk })).body,
      (body) => JSON.stringify(body).includes('approved'),
    );
    expect(JSON.stringify(history)).toContain('同意');
    // Nothing went through the HTTP push.
    expect(sim.callbackAttempts()).toEqual([]);
  });
});
