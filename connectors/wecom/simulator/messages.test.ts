import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryTokenCache, createWecomClient, type WecomClient } from '../client';
import { WecomApiError, WecomRecipientsError } from '../errors';
import { createWecomSimulator, type WecomSimulator } from './simulator';
import { CORP, fetchToken, getJson, postJson } from './testing';

const AGENT_ID = 1000002;
let sim: WecomSimulator;
let client: WecomClient;

beforeEach(async () => {
  sim = createWecomSimulator({
    ...CORP,
    agentId: AGENT_ID,
    tags: { '7': ['LiuYang'] },
    unlicensedUserIds: ['ZhouJianGuo'],
    messageLimits: { perMemberPerMinute: 3, perMemberPerHour: 5 },
  });
  const apiBase = await sim.listen(0);
  client = createWecomClient(
    { ...CORP, apiBase, agentId: AGENT_ID, timeoutMs: 2000 },
    { tokenCache: createMemoryTokenCache() },
  );
});
afterEach(() => sim.close());

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => Promise.reject(new Error('resolved')),
    (e: unknown) => e,
  );

async function rawSend(body: Record<string, unknown>) {
  const token = await fetchToken(sim.url);
  return (
    await postJson(sim.url, '/cgi-bin/message/send', { agentid: AGENT_ID, ...body }, { access_token: token })
  ).body;
}

describe('sendMessage', () => {
  it('delivers a text message; the sandbox shows exactly what arrived', async () => {
    const result = await client.sendMessage({
      touser: ['LiNa'],
      msgtype: 'text',
      text: { content: '您有一件新的待办' },
    });
    expect(result).toMatchObject({ invaliduser: [], invalidparty: [], invalidtag: [], unlicenseduser: [] });
    expect(result.msgid).toMatch(/.+/);
    const { body } = await getJson(sim.url, '/__sandbox/messages', { touser: 'LiNa' });
    expect(body.messages).toEqual([
      expect.objectContaining({
        msgid: result.msgid,
        agentid: AGENT_ID,
        touser: 'LiNa',
        msgtype: 'text',
        content: { content: '您有一件新的待办' },
        truncated: false,
      }),
    ]);
    expect(sim.messages('LiuYang').messages).toEqual([]);
  });

  it('partial failure: errcode 0 with the invalid ids listed, the valid ones delivered', async () => {
    const result = await client.sendMessage({
      touser: ['LiNa', 'Ghost1', 'Ghost2', 'ZhouJianGuo'],
      toparty: ['999'],
      totag: ['8', '7'],
      msgtype: 'markdown',
      markdown: { content: '**办件提醒**' },
    });
    expect(result).toMatchObject({
      invaliduser: ['Ghost1', 'Ghost2'],
      invalidparty: ['999'],
      invalidtag: ['8'],
      unlicenseduser: ['ZhouJianGuo'],
    });
    expect(
      sim
        .messages()
        .messages.map((m) => m.touser)
        .sort(),
    ).toEqual(['LiNa', 'LiuYang']);
  });

  it('all recipients invalid → WecomRecipientsError 81013 with the lists, nothing delivered', async () => {
    const error = await rejection(
      client.sendMessage({ touser: ['Ghost'], toparty: ['404'], msgtype: 'text', text: { content: 'x' } }),
    );
    expect(error).toBeInstanceOf(WecomRecipientsError);
    expect(error).toMatchObject({
      errcode: 81013,
      kind: 'permanent',
      permanent: true,
      retryable: false,
      recipients: { invaliduser: ['Ghost'], invalidparty: ['404'], invalidtag: [], unlicenseduser: [] },
    });
    expect(sim.messages().messages).toEqual([]);
  });

  it('toparty reaches the department subtree; @all reaches everyone', async () => {
    await client.sendMessage({ toparty: ['2'], msgtype: 'text', text: { content: '部门通知' } });
    expect(
      sim
        .messages()
        .messages.map((m) => m.touser)
        .sort(),
    ).toEqual(['LiNa', 'LiuYang', 'ZhangWei']);
    await getJson(sim.url, '/__sandbox/messages');
    await fetch(new URL('/__sandbox/messages', sim.url), { method: 'DELETE' });
    await client.sendMessage({ touser: ['@all'], msgtype: 'text', text: { content: '全员' } });
    expect(sim.messages().messages).toHaveLength(3); // ZhouJianGuo is unlicensed
  });

  it('textcard and news bodies are validated per path/90236', async () => {
    await client.sendMessage({
      touser: ['LiNa'],
      msgtype: 'textcard',
      textcard: {
        title: '待办',
        description: '新的办件',
        url: 'https://gov.example/cases/1',
        btntxt: '立即办理中',
      },
    });
    expect(sim.messages('LiNa').messages[0]).toMatchObject({
      content: { title: '待办', btntxt: '立即办理' },
      truncated: true,
    });
    const noUrl = await rejection(
      client.sendMessage({
        touser: ['LiNa'],
        msgtype: 'textcard',
        textcard: { title: 't', description: 'd', url: '' },
      }),
    );
    expect(noUrl).toMatchObject({ errcode: 40058, kind: 'permanent' });
    expect(
      await rawSend({ touser: 'LiNa', msgtype: 'textcard', textcard: { description: 'd', url: 'u' } }),
    ).toMatchObject({
      errcode: 41016,
    });
    expect(
      await rawSend({ touser: 'LiNa', msgtype: 'textcard', textcard: { title: 't', url: 'u' } }),
    ).toMatchObject({
      errcode: 41033,
    });
    const articles = Array.from({ length: 9 }, (_, i) => ({ title: `t${i}`, url: 'https://gov.example' }));
    expect(await rawSend({ touser: 'LiNa', msgtype: 'news', news: { articles } })).toMatchObject({
      errcode: 45008,
    });
    expect(
      await rawSend({ touser: 'LiNa', msgtype: 'news', news: { articles: [{ title: 'no link' }] } }),
    ).toMatchObject({ errcode: 40058 });
    const ok = await client.sendMessage({
      touser: ['LiNa'],
      msgtype: 'news',
      news: { articles: [{ title: '办事指南', description: '材料清单', url: 'https://gov.example/g' }] },
    });
    expect(ok.invaliduser).toEqual([]);
  });

  it('text over 2048 bytes is cut on a character boundary; markdown over 2048 bytes is refused', async () => {
    await client.sendMessage({ touser: ['LiNa'], msgtype: 'text', text: { content: '办'.repeat(700) } });
    const [message] = sim.messages('LiNa').messages;
    expect(message?.truncated).toBe(true);
    expect(Buffer.byteLength(String(message?.content.content))).toBe(2046);
    expect(
      await rejection(
        client.sendMessage({
          touser: ['LiNa'],
          msgtype: 'markdown',
          markdown: { content: 'x'.repeat(2049) },
        }),
      ),
    ).toMatchObject({ errcode: 45002 });
    expect(await rawSend({ touser: 'LiNa', msgtype: 'text', text: { content: '' } })).toMatchObject({
      errcode: 44004,
    });
  });

  it('wire errors: no recipients 82001, msgtype 40008, agentid 41011/40056, list lengths', async () => {
    expect(await rawSend({ msgtype: 'text', text: { content: 'x' } })).toMatchObject({ errcode: 82001 });
    expect(await rawSend({ touser: 'LiNa', msgtype: 'voice', voice: {} })).toMatchObject({ errcode: 40008 });
    expect(
      await rawSend({ agentid: undefined, touser: 'LiNa', msgtype: 'text', text: { content: 'x' } }),
    ).toMatchObject({
      errcode: 41011,
    });
    const parties = Array.from({ length: 101 }, (_, i) => String(i + 1)).join('|');
    expect(await rawSend({ toparty: parties, msgtype: 'text', text: { content: 'x' } })).toMatchObject({
      errcode: 82002,
    });
    const other = createWecomClient(
      { ...CORP, apiBase: sim.url, agentId: 1000003 },
      { tokenCache: createMemoryTokenCache() },
    );
    expect(
      await rejection(other.sendMessage({ touser: ['LiNa'], msgtype: 'text', text: { content: 'x' } })),
    ).toMatchObject({ errcode: 40056, kind: 'config', permanent: true });
    const noAgent = createWecomClient(
      { ...CORP, apiBase: sim.url },
      { tokenCache: createMemoryTokenCache() },
    );
    await expect(
      noAgent.sendMessage({ touser: ['LiNa'], msgtype: 'text', text: { content: 'x' } }),
    ).rejects.toThrow(TypeError);
  });

  it('enable_duplicate_check suppresses an identical message inside the interval only', async () => {
    const send = () =>
      client.sendMessage({
        touser: ['LiNa'],
        msgtype: 'text',
        text: { content: '同一条' },
        enable_duplicate_check: 1,
        duplicate_check_interval: 60,
      });
    await send();
    await send();
    expect(sim.messages('LiNa')).toMatchObject({ duplicatesSuppressed: 1 });
    expect(sim.messages('LiNa').messages).toHaveLength(1);
    sim.advanceClock(61);
    await send();
    expect(sim.messages('LiNa').messages).toHaveLength(2);
    expect(
      await rawSend({
        touser: 'LiNa',
        msgtype: 'text',
        text: { content: 'x' },
        duplicate_check_interval: 14_401,
      }),
    ).toMatchObject({ errcode: 40058 });
  });

  it('per-member limits drop the excess silently (errcode 0), minute and hour windows', async () => {
    for (let i = 0; i < 4; i += 1) {
      await client.sendMessage({ touser: ['LiNa'], msgtype: 'text', text: { content: `第${i}条` } });
    }
    expect(sim.messages('LiNa').messages).toHaveLength(3);
    expect(sim.messages('LiNa').dropped).toEqual([expect.objectContaining({ reason: 'member_rate_limit' })]);
    sim.advanceClock(61);
    for (let i = 0; i < 3; i += 1) {
      await client.sendMessage({ touser: ['LiNa'], msgtype: 'text', text: { content: `再${i}` } });
    }
    expect(sim.messages('LiNa').messages).toHaveLength(5); // hour cap 5
    expect(sim.messages('LiNa').dropped).toHaveLength(2);
  });
});

describe('errcode classification for the dispatcher', () => {
  const cases: [number, string, boolean, boolean][] = [
    [-1, 'retryable', true, false],
    [45009, 'rateLimited', true, false],
    [45033, 'rateLimited', true, false],
    [60020, 'config', false, true],
    [48002, 'config', false, true],
    [40003, 'permanent', false, true],
    [82001, 'permanent', false, true],
  ];
  it.each(cases)('errcode %i → %s', async (errcode, kind, retryable, permanent) => {
    sim.setFault({ path: '/cgi-bin/message/send', errcode });
    const error = await rejection(
      client.sendMessage({ touser: ['LiNa'], msgtype: 'text', text: { content: 'x' } }),
    );
    expect(error).toBeInstanceOf(WecomApiError);
    expect(error).toMatchObject({ errcode, kind, retryable, permanent, rateLimited: kind === 'rateLimited' });
  });

  it('a stale token (40014/42001) is refetched once and the message goes out', async () => {
    await client.getAccessToken();
    sim.revokeAccessTokens();
    await client.sendMessage({ touser: ['LiNa'], msgtype: 'text', text: { content: 'x' } });
    expect(sim.messages('LiNa').messages).toHaveLength(1);
    expect(new WecomApiError('/x', 42001, '')).toMatchObject({ kind: 'tokenRefetch', permanent: false });
  });
});

describe('message/send fuzz', () => {
  it('any JSON body → an errcode answer, never a crash', async () => {
    const token = await fetchToken(sim.url);
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            agentid: fc.oneof(fc.constant(AGENT_ID), fc.anything()),
            msgtype: fc.oneof(fc.constantFrom('text', 'textcard', 'news', 'markdown'), fc.string()),
            touser: fc.oneof(fc.constantFrom('LiNa', '@all', 'a|b'), fc.anything()),
            text: fc.anything(),
            textcard: fc.anything(),
            news: fc.anything(),
            markdown: fc.anything(),
            enable_duplicate_check: fc.anything(),
            duplicate_check_interval: fc.anything(),
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const answer = await postJson(sim.url, '/cgi-bin/message/send', body, { access_token: token });
          expect(answer.status).toBe(200);
          expect(typeof answer.body.errcode).toBe('number');
        },
      ),
      // Found by a CI run: an object whose toString is not callable made Number() throw (a 500).
      { numRuns: 150, examples: [[{ agentid: { toString: 0 } }]] },
    );
  });
});
