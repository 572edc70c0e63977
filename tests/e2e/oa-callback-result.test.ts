import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenericOaSimulator } from '@gcrm/connectors/oa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fixtures from '../../gateway/src/materials/testing/fixtures';
import { samples } from '../../gateway/test/form-samples';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { eventually } from '../support/eventually';
import { call } from '../support/http';

// A department whose in-house OA speaks our generic protocol: the case is pushed (signed with
// HMAC-SM3), decided in the OA, and the OA posts the signed result to /callbacks/oa/{system}; the
// result is applied once even when the OA sends it twice, and a forged callback is refused.
describe(`a department OA that calls back (${dialect})`, () => {
  let t: TestGateway;
  let admin: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcrm-oa-'));
    const file = join(dir, 'oa.json');
    writeFileSync(
      file,
      JSON.stringify({
        systems: {
          'tax-rest': {
            vendor: 'generic',
            name: '税务局自建 OA',
            settings: { secret: '$OA_TAX_REST_SECRET' },
          },
        },
        departments: {
          tax: {
            system: 'tax-rest',
            template: 'new-taxpayer',
            initiator: 'gcrm',
            fields: { caseNo: 'caseNumber', company: 'form.enterpriseName' },
          },
        },
      }),
    );
    t = await startTestGateway({
      OA_FILE: file,
      OA_TAX_REST_SECRET: 'tax-rest-shared-secret-for-tests-only',
    });
    admin = await t.staffLogin('st-admin-system');
  });
  afterAll(async () => t?.stop());

  it('applies the OA result that arrives by callback, once', async () => {
    const oa = t.gateway.oaSimulators.get('tax-rest') as GenericOaSimulator;
    const me = await t.login();
    const upload = async (field: string) => {
      const body = new FormData();
      body.append('file', new Blob([fixtures.pdf(`${field} ${randomUUID()}`)]), `${field}.pdf`);
      const res = await fetch(`${t.url}/api/v1/materials?serviceCode=bundle.business-start&field=${field}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${me.accessToken}` },
        body,
      });
      return [{ id: ((await res.json()) as { id: string }).id, name: `${field}.pdf` }];
    };
    const { acceptingDepartment, assignedStaff, socialInsuranceStartMonth, housingFundRate, ...form } =
      samples['business-start@1']!;
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: me.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        serviceCode: 'bundle.business-start',
        channel: 'wechat',
        formData: {
          ...form,
          selectedItems: ['name-declaration', 'establishment', 'tax'],
          leaseContract: await upload('leaseContract'),
          powerOfAttorney: await upload('powerOfAttorney'),
        },
      },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    // 窗口受理 in the staff pages (nobody here is on DingTalk).
    const clerk = await t.staffLogin('st-amr-clerk-1');
    const task = (await call(`${t.url}/api/v1/staff/tasks`, { token: clerk })).body.items.find(
      (i: { caseId: string }) => i.caseId === submitted.body.id,
    );
    expect(
      (await call(`${t.url}/api/v1/staff/tasks/${task.id}/approve`, { token: clerk, body: {} })).status,
    ).toBe(200);

    const doc = await eventually(
      'the case in the OA',
      () => oa.documents().find((d) => JSON.stringify(d).includes(submitted.body.caseNumber)),
      (d) => d !== undefined,
    );
    // The OA sends its result twice (a duplicate delivery): applied once.
    oa.chaos({ duplicateRate: 1, seed: 7 });
    oa.decide(doc!.externalId, { result: 'approved', opinion: '已完成新办纳税人信息确认' });
    await oa.callbacksSettled();
    oa.chaos(null);
    const sent = (await call(`${oa.url}/__sandbox/callbacks`)).body.deliveries as { status: number }[];
    expect(sent.filter((d) => d.status === 200).length).toBeGreaterThanOrEqual(2);
    const staff = await t.staffLogin('st-amr-head');
    const view = await eventually(
      'the OA result on the case',
      async () => (await call(`${t.url}/api/v1/staff/cases/${submitted.body.id}`, { token: staff })).body,
      (body) => JSON.stringify(body).includes('已完成新办纳税人信息确认'),
    );
    expect(JSON.stringify(view).split('已完成新办纳税人信息确认').length - 1).toBe(1);
    const inbox = await call(`${t.url}/api/v1/admin/inbox?source=oa:tax-rest`, { token: admin });
    expect(inbox.body.items.map((i: { status: string }) => i.status)).toEqual(['done']);

    // A forged result (wrong secret) never reaches the inbox.
    const forged = await fetch(`${t.url}/callbacks/oa/tax-rest`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gcrm-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-gcrm-nonce': randomUUID(),
        'x-gcrm-signature': '0'.repeat(64),
      },
      body: JSON.stringify({ externalId: doc!.externalId, state: 'rejected' }),
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(
      (await call(`${t.url}/api/v1/admin/inbox?source=oa:tax-rest`, { token: admin })).body.items,
    ).toHaveLength(1);
  });
});
