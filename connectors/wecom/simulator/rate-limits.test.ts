import { afterEach, expect, it } from 'vitest';
import { createMemoryTokenCache, createWecomClient } from '../client';
import { WecomApiError } from '../errors';
import { createWecomSimulator, type WecomSimulator } from './simulator';
import { CORP } from './testing';

let sim: WecomSimulator | undefined;
afterEach(() => sim?.close());

it('answers 45009 beyond the per-second limit of an API, counted per path, and lets the next second through', async () => {
  sim = createWecomSimulator({
    ...CORP,
    agentId: 1000002,
    rateLimits: { callsPerMinute: 1000, callsPerSecond: 3 },
  });
  const apiBase = await sim.listen(0);
  const client = createWecomClient(
    { ...CORP, apiBase, agentId: 1000002 },
    { tokenCache: createMemoryTokenCache() },
  );
  const send = () =>
    client.sendMessage({ touser: ['LiuYang'], msgtype: 'text', text: { content: '限流测试' } });
  const answers = await Promise.allSettled([send(), send(), send(), send()]);
  expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(3);
  const refused = answers.find((a) => a.status === 'rejected') as PromiseRejectedResult;
  expect(refused.reason).toBeInstanceOf(WecomApiError);
  expect((refused.reason as WecomApiError).errcode).toBe(45009);
  // Another API has its own window.
  expect((await client.listDepartments()).length).toBeGreaterThan(0);
  sim.advanceClock(1.001);
  await expect(send()).resolves.toMatchObject({ msgid: expect.any(String) });
});
