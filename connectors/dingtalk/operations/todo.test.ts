import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DingtalkClient } from '../client';
import {
  classifyDingtalkError,
  DingtalkIpBannedError,
  DingtalkTransportError,
  DingtalkV1ApiError,
} from '../errors';
import type { DingtalkSimulator } from '../simulator/simulator';
import { APP, fetchToken, getJson, postJson, rejection, startSimAndClient } from '../simulator/testing';
import { type DingtalkTodoInput, isMissingTodoError } from './todo';

let sim: DingtalkSimulator;
let base: string;
let client: DingtalkClient;

beforeEach(async () => {
  ({ sim, base, client } = await startSimAndClient({ todoPageSize: 2 }));
});
afterEach(() => sim.close());

const input = (sourceId: string, extra: Partial<DingtalkTodoInput> = {}): DingtalkTodoInput => ({
  sourceId,
  subject: `请审核办件 ${sourceId}`,
  description: '生育津贴申领，材料预审已通过',
  dueTime: Date.now() + 86_400_000,
  executorIds: ['u-lina'],
  detailUrl: { appUrl: 'dingtalk://dingtalkclient/page/link?url=x', pcUrl: 'https://gcrm.example/cases/1' },
  priority: 20,
  ...extra,
});

describe('待办 over v1.0', () => {
  it('creates with the §2.4 response shape; a duplicate sourceId is success (the same todo)', async () => {
    const todo = await client.createTodo('u-zhangwei', input('case-1'));
    expect(todo).toMatchObject({
      subject: '请审核办件 case-1',
      sourceId: 'case-1',
      creatorId: 'u-zhangwei',
      done: false,
      executorIds: ['u-lina'],
      detailUrl: { pcUrl: 'https://gcrm.example/cases/1' },
    });
    const again = await client.createTodo('u-zhangwei', input('case-1'));
    expect(again.id).toBe(todo.id);
    expect(sim.stats().byPath['/v1.0/todo/users/{unionId}/tasks/sources/{sourceId}']).toBe(1);
    const raw = await postJson(base, '/v1.0/todo/users/u-zhangwei/tasks', input('case-1'));
    expect(raw.status).toBe(400); // no token header
  });

  it('the wire answers a duplicate with HTTP 400 todo.taskCreate.paramError "task exist"', async () => {
    const token = await fetchToken(base);
    const send = () =>
      fetch(new URL('/v1.0/todo/users/u-zhangwei/tasks?operatorId=u-zhangwei', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
        body: JSON.stringify(input('dup')),
      });
    expect((await send()).status).toBe(200);
    const second = await send();
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({
      code: 'todo.taskCreate.paramError',
      message: 'task exist',
      requestid: expect.any(String),
    });
  });

  it('update, executor status (done → finishTime), get, get by sourceId, delete', async () => {
    const todo = await client.createTodo(
      'u-zhangwei',
      input('case-2', { executorIds: ['u-lina', 'u-liuyang'] }),
    );
    await client.updateTodo('u-zhangwei', todo.id, { subject: '请尽快审核', dueTime: 1_900_000_000_000 });
    expect(await client.getTodo('u-lina', todo.id)).toMatchObject({ subject: '请尽快审核', done: false });

    await client.setTodoExecutorsDone('u-zhangwei', todo.id, ['u-lina']);
    expect((await client.getTodo('u-zhangwei', todo.id)).done).toBe(false);
    await client.setTodoExecutorsDone('u-zhangwei', todo.id, ['u-liuyang']);
    const done = await client.getTodoBySourceId('u-zhangwei', 'case-2');
    expect(done).toMatchObject({ id: todo.id, done: true, finishTime: expect.any(Number) });

    await client.updateTodo('u-zhangwei', todo.id, { done: false });
    expect(await client.getTodo('u-zhangwei', todo.id)).not.toHaveProperty('finishTime');

    await client.deleteTodo('u-zhangwei', todo.id);
    const gone = await rejection(client.getTodo('u-zhangwei', todo.id));
    expect(gone).toBeInstanceOf(DingtalkV1ApiError);
    expect(gone).toMatchObject({ status: 400, kind: 'permanent' });
    // A deleted todo frees its sourceId: the gateway may create it again.
    expect((await client.createTodo('u-zhangwei', input('case-2'))).id).not.toBe(todo.id);
  });

  it('lists the user todos page by page with nextToken; isDone filters', async () => {
    for (const n of [1, 2, 3]) await client.createTodo('u-zhangwei', input(`list-${n}`));
    const first = await client.listTodos('u-lina');
    expect(first).toMatchObject({ totalCount: 3, nextToken: '2' });
    expect(first.cards).toHaveLength(2);
    const second = await client.listTodos('u-lina', { nextToken: first.nextToken! });
    expect(second.cards).toHaveLength(1);
    expect(second).not.toHaveProperty('nextToken');
    const all = [...first.cards, ...second.cards].map((c) => c.sourceId).sort();
    expect(all).toEqual(['list-1', 'list-2', 'list-3']);
    await postJson(base, `/__sandbox/todos/${first.cards[0]!.taskId}/complete`, {});
    expect((await client.listTodos('u-lina', { isDone: true })).cards).toHaveLength(1);
    expect((await client.listTodos('u-mayor')).cards).toHaveLength(0);
  });

  it('sandbox reads and drift: delete by hand → get fails; the duplicate path still creates anew', async () => {
    const todo = await client.createTodo('u-zhangwei', input('drift'));
    expect((await getJson(base, '/__sandbox/todos', { unionId: 'u-lina' })).body.todos).toHaveLength(1);
    expect((await postJson(base, `/__sandbox/todos/${todo.id}`, '', {}, 'DELETE')).status).toBe(200);
    await expect(client.getTodo('u-zhangwei', todo.id)).rejects.toMatchObject({ kind: 'permanent' });
    // The gateway recognises a todo deleted by hand (or never created) as missing, not as a failure.
    expect(isMissingTodoError(await client.getTodoBySourceId('u-zhangwei', 'drift').catch((e) => e))).toBe(
      true,
    );
    expect(isMissingTodoError(await client.getTodo('u-zhangwei', todo.id).catch((e) => e))).toBe(true);
    expect((await postJson(base, '/__sandbox/todos/nope', '', {}, 'DELETE')).status).toBe(400);
  });

  it('parameter errors are permanent paramErrors (detailUrl, subject, unknown executor)', async () => {
    const cases: Partial<DingtalkTodoInput>[] = [
      { detailUrl: undefined as never },
      { subject: 'x'.repeat(1025) },
      { executorIds: ['u-ghost'] },
      { dueTime: -5 },
    ];
    for (const extra of cases) {
      const error = await rejection(client.createTodo('u-zhangwei', input('bad', extra)));
      expect(error).toMatchObject({ status: 400, code: 'todo.taskCreate.paramError', kind: 'permanent' });
      expect(classifyDingtalkError(error)).toEqual({ kind: 'permanent' });
    }
  });
});

describe('v1.0 error classes', () => {
  const path = '/v1.0/todo/users/u-lina/tasks/t1';

  it('systemError 5xx and gateway timeout are retryable; an errcode fault is translated', async () => {
    sim.setFault({ path, code: 'systemError', status: 500 });
    expect(await rejection(client.getTodo('u-lina', 't1'))).toMatchObject({ status: 500, kind: 'retryable' });
    sim.setFault({ path, errcode: 15 });
    expect(await rejection(client.getTodo('u-lina', 't1'))).toMatchObject({ status: 504, kind: 'retryable' });
    sim.setFault({ path, errcode: 90002 });
    expect(await rejection(client.getTodo('u-lina', 't1'))).toMatchObject({
      status: 403,
      code: 'Forbidden.AccessDenied.QpsLimitForApi',
      kind: 'rateLimited',
      retryAfterMs: 1000,
    });
    sim.setFault({ path, errcode: 90020 });
    expect(await rejection(client.getTodo('u-lina', 't1'))).toMatchObject({
      kind: 'permanent',
      throttled: true,
    });
  });

  it('a stale token (InvalidAuthentication) is refetched once and the call succeeds', async () => {
    const todo = await client.createTodo('u-zhangwei', input('stale'));
    sim.revokeAccessToken();
    expect((await client.getTodo('u-zhangwei', todo.id)).id).toBe(todo.id);
    expect(sim.stats().byPath['/gettoken']).toBe(2);
    sim.setFault({ path, code: 'InvalidAuthentication', times: 2 });
    expect(await rejection(client.getTodo('u-lina', 't1'))).toMatchObject({ kind: 'tokenStale' });
  });

  it('per (app, API) QPS → 403 QpsLimitForAppkeyAndApi, typed rateLimited; other APIs unaffected', async () => {
    const strict = await startSimAndClient({ rateLimits: { appQps: 3, globalQps: 1000 } });
    try {
      await strict.client.getAccessToken();
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => strict.client.listTodos('u-lina')),
      );
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(failures).toHaveLength(3);
      for (const f of failures) {
        expect(f).toMatchObject({ status: 403, code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi' });
        expect(classifyDingtalkError(f)).toEqual({ kind: 'rateLimited', retryAfterMs: 1000 });
      }
      expect((await strict.client.getTodoBySourceId('u-lina', 'x').catch((e) => e)).kind).toBe('permanent');
      strict.sim.advanceClock(1);
      expect((await strict.client.listTodos('u-lina')).cards).toEqual([]);
    } finally {
      await strict.sim.close();
    }
  });

  it('x5 ban on a v1.0 path → DingtalkIpBannedError; latency past the timeout → transport error', async () => {
    sim.setFault({ path, x5: true });
    const banned = await rejection(client.getTodo('u-lina', 't1'));
    expect(banned).toBeInstanceOf(DingtalkIpBannedError);
    expect(classifyDingtalkError(banned)).toEqual({ kind: 'rateLimited', retryAfterMs: 300_000 });
    sim.setFault({ path, latencyMs: 2500 });
    const slow = await rejection(client.getTodo('u-lina', 't1'));
    expect(slow).toBeInstanceOf(DingtalkTransportError);
    expect(classifyDingtalkError(slow)).toEqual({ kind: 'retryable' });
  });

  it('unknown v1.0 paths are 404 InvalidAction.NotFound; bad JSON 400', async () => {
    const unknown = await getJson(base, '/v1.0/nope');
    expect(unknown).toMatchObject({ status: 404, body: { code: 'InvalidAction.NotFound' } });
    const token = await fetchToken(base);
    const bad = await fetch(new URL('/v1.0/todo/users/u-lina/tasks/list', base), {
      method: 'POST',
      headers: { 'x-acs-dingtalk-access-token': token },
      body: '{"isDone":',
    });
    expect(bad.status).toBe(400);
  });
});

describe('POST /v1.0/oauth2/accessToken', () => {
  it('answers {accessToken, expireIn}; the token works on both generations', async () => {
    const answer = await postJson(base, '/v1.0/oauth2/accessToken', {
      appKey: APP.appKey,
      appSecret: APP.appSecret,
    });
    expect(answer).toMatchObject({ status: 200, body: { accessToken: expect.any(String), expireIn: 7200 } });
    const token = answer.body.accessToken as string;
    expect(token).toBe(await fetchToken(base)); // same token while valid
    const wrong = await postJson(base, '/v1.0/oauth2/accessToken', { appKey: APP.appKey, appSecret: 'x' });
    expect(wrong).toMatchObject({ status: 400, body: { code: 'invalidClientIdOrSecret' } });
  });
});
