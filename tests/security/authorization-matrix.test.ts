import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';
import { CALLERS, type Caller, MATRIX } from './authorization-matrix';

const STAFF: Partial<Record<Caller, string>> = {
  K: 'st-hrss-clerk-1',
  P: 'st-hrss-approver-1',
  H: 'st-hrss-head',
  S: 'st-supervision-supervisor-1',
  V: 'st-gov-secretary',
  Y: 'st-admin-system',
  E: 'st-admin-security',
  U: 'st-admin-audit',
  O: 'st-ps-clerk-1',
};

interface Operation {
  operationId: string;
  method: string;
  path: string;
}

// Route × caller, generated from the gateway's own OpenAPI document: every route the gateway serves is
// called by every kind of caller and the answer compared with the hand-written matrix.
describe(`authorization matrix: every route × every role (${dialect})`, () => {
  let t: TestGateway;
  let operations: Operation[];
  const tokens: Partial<Record<Caller, string>> = {};
  let caseId: string;
  let taskId: string;

  beforeAll(async () => {
    t = await startTestGateway();
    tokens.C = (await t.login('o-matrix-citizen')).accessToken;
    for (const [caller, staffId] of Object.entries(STAFF))
      tokens[caller as Caller] = await t.staffLogin(staffId);
    const app = validApplication();
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: tokens.C,
      headers: { 'idempotency-key': randomUUID() },
      body: app,
    });
    caseId = submitted.body.id;
    const todo = await call(`${t.url}/api/v1/staff/tasks`, { token: tokens.K });
    taskId = todo.body.items.find((i: { caseId: string }) => i.caseId === caseId).id;
    const doc = (await call(`${t.url}/api/v1/openapi.json`)).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ operationId: op.operationId, method, path })),
    );
  });
  afterAll(async () => t?.stop());

  it('has a row for every route, and no row for a route that does not exist', () => {
    const served = operations.map((o) => o.operationId).sort();
    expect(served).toEqual(Object.keys(MATRIX).sort());
  });

  function url(op: Operation): string {
    const path = op.path
      .replace('{code}', 'hrss.maternity-allowance')
      .replace('{serviceCode}', 'hrss.maternity-allowance')
      .replace('/forms/{id}/versions/{version}', '/forms/maternity-allowance/versions/1')
      .replace('/flows/{id}/', '/flows/maternity-allowance/')
      .replace('{name}', 'audit.checkpoint')
      .replace('/identities/{provider}', '/identities/oa')
      .replace('{provider}', 'dingtalk')
      .replace('/staff/tasks/{id}', `/staff/tasks/${taskId}`)
      .replace('/staff/cases/{id}', `/staff/cases/${caseId}`)
      .replace('/cases/{id}', `/cases/${caseId}`)
      .replace('{id}', randomUUID());
    return `${t.url}${path}`;
  }

  // Valid bodies, so that the answer is about who may act, not about a malformed request.
  const BODIES: Record<string, unknown> = {
    approveTask: { comment: '同意' },
    rejectTask: { comment: '材料不全' },
    returnTask: { target: 'applicant', comment: '请补正' },
    transferTask: { to: 'st-hrss-clerk-2' },
    reassignTask: { to: 'st-hrss-clerk-2' },
    addApprover: { staffIds: ['st-hrss-clerk-2'], position: 'parallel' },
    ccTask: { staffIds: ['st-hrss-clerk-2'] },
    commentTask: { comment: '请核对' },
    syncOrg: { dryRun: true },
    linkStaffIdentity: { externalId: 'oa-account-1' },
    revealCasePii: { field: 'idNumber', purpose: '核对申请人身份' },
    searchCasesByNumber: { kind: 'phone', value: '13000000001', purpose: '查找申请人办件' },
  };

  it('answers each caller as the matrix says', async () => {
    const wrong: string[] = [];
    // Reads first, then writes: a write (an approval, a withdrawal) must not hide what a later read checks.
    const ordered = [...operations].sort((a, b) => Number(a.method !== 'get') - Number(b.method !== 'get'));
    for (const op of ordered) {
      const row = MATRIX[op.operationId];
      if (!row) continue;
      for (const [i, caller] of CALLERS.entries()) {
        const expected = row[i]!;
        const res = await call(url(op), {
          method: op.method.toUpperCase(),
          token: tokens[caller],
          headers: { 'idempotency-key': randomUUID() },
          body: op.method === 'get' || op.method === 'delete' ? undefined : (BODIES[op.operationId] ?? {}),
        });
        const denied = res.status === 403 && res.body?.code === 'permission_denied';
        const ok =
          expected === '1'
            ? res.status === 401
            : expected === '3'
              ? denied
              : expected === '4'
                ? res.status === 404
                : res.status !== 401 && !denied && (expected === 'p' || res.status !== 404);
        if (!ok)
          wrong.push(
            `${op.operationId} ${caller}: expected ${expected}, got ${res.status} ${res.body?.code ?? ''}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });
});
