import { CallbackCipher } from '@gcrm/connectors/core';
import {
  createDingtalkClient,
  createDingtalkSimulator,
  createMemoryTokenCache,
  type DingtalkClient,
  type DingtalkSimulator,
  isSuccessReply,
} from '@gcrm/connectors/dingtalk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { type InboxEvent, InboxHandlers, PermanentInboxError } from './inbox-handlers';
import { InboxWorker } from './inbox-worker';
import { type Harness, newAesKey, newToken, rowsOf, silentLog, startHarness, until } from './testing/harness';

const APP = {
  appKey: 'dingcallbacktest01',
  appSecret: 'dingtalk-callback-test-secret-0000',
  agentId: 3_000_000_001,
};
const token = newToken();
const aesKey = newAesKey();
const cipher = new CallbackCipher({ token, encodingAesKey: aesKey, receiveId: APP.appKey });

describe(`DingTalk HTTP push (${dialect})`, () => {
  let h: Harness;
  let sim: DingtalkSimulator;
  let client: DingtalkClient;
  let worker: InboxWorker;
  const applied: InboxEvent[] = [];
  /** Failures still to throw per dedupe key, then success. */
  const failuresLeft = new Map<string, number>();
  let permanent = true;

  beforeAll(async () => {
    const handlers = new InboxHandlers()
      .on('dingtalk', 'bpms_task_change', async (event) => {
        const left = failuresLeft.get(event.dedupeKey) ?? 0;
        if (left > 0) {
          failuresLeft.set(event.dedupeKey, left - 1);
          throw new Error('workflow busy');
        }
        applied.push(event);
      })
      .on('dingtalk', 'bpms_instance_change', async (event) => {
        if (event.payload.type === 'terminate' && permanent) throw new PermanentInboxError('unknown_case');
        applied.push(event);
      });
    h = await startHarness({
      handlers,
      config: { dingtalk: { mode: 'http', http: { token, aesKey } } },
      receiveIds: { dingtalk: APP.appKey },
    });
    worker = new InboxWorker(h.inbox, silentLog, { intervalMs: 20 });
    worker.start();
    sim = createDingtalkSimulator({
      ...APP,
      callback: { replyTimeoutMs: 1500, retryDelaysMs: [20, 20, 20] },
    });
    const base = await sim.listen(0);
    client = createDingtalkClient(
      { ...APP, apiBase: base, v1ApiBase: base, timeoutMs: 2000 },
      { tokenCache: createMemoryTokenCache() },
    );
  });
  afterEach(async () => {
    await fetch(`${sim.url}/__sandbox/events/quirks`, { method: 'POST', body: '{}' });
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await h?.close();
  });

  const approval = () =>
    client.createProcessInstance({
      processCode: 'PROC-CALLBACK',
      originatorUserId: 'liuyang',
      deptId: 11,
      formComponentValues: [{ name: '事项', value: '企业开办' }],
      approvers: [{ actionType: 'NONE', userIds: ['lina'] }],
    });
  const decide = (id: string) =>
    fetch(`${sim.url}/__sandbox/approvals/${id}/decide`, {
      method: 'POST',
      body: JSON.stringify({ userid: 'lina', result: 'agree', remark: '同意' }),
    });

  it('answers check_url with an encrypted success in time and stores nothing for it', async () => {
    const res = await fetch(`${sim.url}/__sandbox/callback-url`, {
      method: 'POST',
      body: JSON.stringify({ url: `${h.url}/callbacks/dingtalk`, token, aesKey, ownerKey: APP.appKey }),
    });
    expect(await res.json()).toEqual({ ok: true });
    expect(await rowsOf(h, 'dingtalk')).toHaveLength(0);
  });

  it('applies each bpms event once although the simulator duplicates and reorders them', async () => {
    await fetch(`${sim.url}/__sandbox/events/quirks`, {
      method: 'POST',
      body: JSON.stringify({ duplicate: true, reorder: true }),
    });
    const id = await approval();
    expect((await decide(id)).status).toBe(200);
    // start: instance + task; decide: task finish + instance finish; each published twice.
    await until(() => sim.callbackAttempts().filter((a) => a.ok).length >= 8);
    await until(() => applied.filter((e) => e.payload.processInstanceId === id).length === 4);
    await h.inbox.drain();
    const mine = applied.filter((e) => e.payload.processInstanceId === id);
    expect(mine).toHaveLength(4);
    expect(new Set(mine.map((e) => e.dedupeKey)).size).toBe(4);
    expect(
      mine.find((e) => e.payload.type === 'finish' && e.eventType === 'bpms_task_change')?.payload,
    ).toMatchObject({
      EventType: 'bpms_task_change',
      result: 'agree',
      staffId: 'lina',
    });
    expect(sim.callbackAttempts().every((a) => a.ok)).toBe(true);
  });

  it('a failing handler is retried later and applied once', async () => {
    const id = await approval();
    // The task's start event (the instance's may come first, or out of order).
    await until(async () =>
      (await rowsOf(h, 'dingtalk')).some(
        (r) => r.event_type === 'bpms_task_change' && r.dedupe_key.includes(id),
      ),
    );
    const taskKey = (await rowsOf(h, 'dingtalk')).find(
      (r) => r.event_type === 'bpms_task_change' && r.dedupe_key.includes(id),
    )!.dedupe_key;
    const finishKey = taskKey.replace(/:start$/, ':finish');
    failuresLeft.set(finishKey, 2);
    await decide(id);
    await until(() => applied.some((e) => e.dedupeKey === finishKey));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(applied.filter((e) => e.dedupeKey === finishKey)).toHaveLength(1);
    const row = (await rowsOf(h, 'dingtalk')).find((r) => r.dedupe_key === finishKey)!;
    expect(row).toMatchObject({ status: 'done', attempts: 3, last_error: null });
    expect(applied.find((e) => e.dedupeKey === finishKey)?.attempt).toBe(3);
  });

  it('a permanent failure is dead at once; an admin retry applies it once the cause is fixed', async () => {
    const id = await approval();
    await client.terminateWorkflowInstance({ processInstanceId: id, operatingUserId: 'liuyang' });
    const dead = await until(async () =>
      (await rowsOf(h, 'dingtalk')).find(
        (r) => r.dedupe_key === `bpms_instance_change:${id}:terminate` && r.status === 'dead',
      ),
    );
    expect(dead).toMatchObject({ attempts: 1, last_error: 'permanent:unknown_case' });
    expect((await h.inbox.list({ status: 'dead', limit: 10 })).rows.map((r) => r.id)).toContain(dead.id);
    permanent = false;
    const retried = await h.inbox.retry(dead.id);
    // Put back with its attempts reset; a worker may already be running it when the row is read back.
    expect(retried).toMatchObject({ id: dead.id });
    expect((retried as { status: string }).status).not.toBe('dead');
    await until(() => applied.some((e) => e.id === dead.id));
    expect(await h.inbox.retry(dead.id)).toBe('not-retryable');
    expect(await h.inbox.retry('00000000-0000-0000-0000-000000000000')).toBe('not-found');
  });

  it('refuses forged, stale and replayed pushes, and answers accepted ones with a valid encrypted success', async () => {
    const push = (event: Record<string, unknown>, timestamp: string, nonce: string, signature?: string) => {
      const sealed = cipher.seal(JSON.stringify(event), timestamp, nonce);
      const q = new URLSearchParams({ msg_signature: signature ?? sealed.signature, timestamp, nonce });
      return fetch(`${h.url}/callbacks/dingtalk?${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ encrypt: sealed.encrypted }),
      });
    };
    const event = { EventType: 'user_add_org', TimeStamp: '1700000000000', UserId: ['u1'] };
    expect((await push(event, String(Date.now()), 'forgedNonce00001', 'f'.repeat(40))).status).toBe(403);
    expect((await push(event, String(Date.now() - 301_000), 'staleNonce000001')).status).toBe(403);
    const ok = await push(event, String(Date.now()), 'freshNonce000001');
    expect(ok.status).toBe(200);
    expect(isSuccessReply(cipher, await ok.json())).toBe(true);
    expect(
      (await push({ ...event, TimeStamp: '1700000000001' }, String(Date.now()), 'freshNonce000001')).status,
    ).toBe(403);
    expect((await rowsOf(h, 'dingtalk')).find((r) => r.event_type === 'user_add_org')?.status).toBe(
      'ignored',
    );
    const bad = await fetch(`${h.url}/callbacks/dingtalk?msg_signature=a&timestamp=1&nonce=b`, {
      method: 'POST',
      body: '{"encrypt": 5}',
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${h.url}/callbacks/dingtalk`)).status).toBe(405);
  });
});
