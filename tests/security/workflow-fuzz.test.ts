import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

// The task actions that take a body (claim and read take none).
const ACTIONS = ['approve', 'reject', 'return', 'transfer', 'add-approver', 'cc', 'comment', 'reassign'];

describe(`workflow routes under garbage (${dialect})`, () => {
  let t: TestGateway;
  let citizen: string;
  let clerk: string;

  beforeAll(async () => {
    t = await startTestGateway();
    citizen = (await t.login()).accessToken;
    clerk = await t.staffLogin('st-hrss-clerk-1');
  });
  afterAll(async () => t?.stop());

  async function newCase() {
    const res = await call(`${t.url}/api/v1/cases`, {
      token: citizen,
      headers: { 'idempotency-key': randomUUID() },
      body: validApplication(),
    });
    const caseId = res.body.id as string;
    const todo = await call(`${t.url}/api/v1/staff/tasks?limit=100`, { token: clerk });
    return { caseId, taskId: (todo.body.items as any[]).find((i) => i.caseId === caseId).id as string };
  }

  it('answers random bodies on every task action with < 500 and problem+json; a refused one changes nothing', async () => {
    const { caseId, taskId } = await newCase();
    const before = await call(`${t.url}/api/v1/staff/cases/${caseId}`, { token: clerk });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ACTIONS),
        // Bodies that the schemas refuse (unknown fields, wrong types): nothing may be written.
        fc.oneof(
          fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
          fc.dictionary(
            fc.string({ minLength: 1, maxLength: 8 }).map((k) => `x${k}`),
            fc.jsonValue(),
            {
              minKeys: 1,
            },
          ),
          fc.record({ comment: fc.oneof(fc.integer(), fc.constant(''), fc.string({ minLength: 2001 })) }),
          fc.record({ staffIds: fc.array(fc.string(), { maxLength: 3 }), position: fc.string() }),
        ),
        async (action, body) => {
          const res = await call(`${t.url}/api/v1/staff/tasks/${taskId}/${action}`, { token: clerk, body });
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        },
      ),
      { numRuns: 200 },
    );
    const after = await call(`${t.url}/api/v1/staff/cases/${caseId}`, { token: clerk });
    expect(after.body.history).toEqual(before.body.history);
    expect(after.body.tasks).toEqual(before.body.tasks);
  });

  it('answers random ids, cursors and filters with 4xx, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        // '.' and '..' are path segments the URL parser resolves away (→ the list route), not ids.
        fc.string({ maxLength: 60 }).filter((id) => id !== '.' && id !== '..'),
        fc.string({ maxLength: 40 }),
        fc.constantFrom('todo', 'done', 'cc', 'department', 'nope', ''),
        async (id, cursor, box) => {
          const task = await call(`${t.url}/api/v1/staff/tasks/${encodeURIComponent(id) || 'x'}`, {
            token: clerk,
          });
          expect([404, 400]).toContain(task.status);
          const list = await call(
            `${t.url}/api/v1/staff/tasks?box=${encodeURIComponent(box)}&cursor=${encodeURIComponent(cursor)}`,
            { token: clerk },
          );
          expect(list.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses mass assignment: a body cannot set status, assignee, department or owner', async () => {
    const { taskId } = await newCase();
    for (const field of [
      'status',
      'assignee',
      'assigneeId',
      'department',
      'caseId',
      'citizenId',
      'outcome',
    ]) {
      const res = await call(`${t.url}/api/v1/staff/tasks/${taskId}/approve`, {
        token: clerk,
        body: { comment: '同意', [field]: 'x' },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].pointer).toBe(`/${field}`);
    }
  });
});
