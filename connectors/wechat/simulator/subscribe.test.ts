import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWechatSimulator, type WechatSimulator } from './simulator';
import { APP, getJson, postJson, stableToken } from './testing';

let sim: WechatSimulator;
let base: string;
let token: string;

const ACCEPTED = 'sim-tpl-case-accepted';
const acceptedData = {
  thing1: { value: '生育津贴申领' },
  character_string2: { value: 'GC-2026-000123' },
  time3: { value: '2026-11-27 10:00' },
  thing4: { value: '请留意后续通知' },
};

function send(body: Record<string, unknown>, accessToken: string | null = token) {
  return postJson(
    base,
    '/cgi-bin/message/subscribe/send',
    body,
    accessToken ? { access_token: accessToken } : {},
  );
}

beforeEach(async () => {
  sim = createWechatSimulator({ ...APP, subscribeDailyQuota: 3 });
  base = await sim.listen(0);
  token = (await stableToken(base)).body.access_token as string;
});
afterEach(() => sim.close());

describe('POST /cgi-bin/message/subscribe/send', () => {
  it('delivers once per consent, then answers 43101; the record holds the unwrapped values', async () => {
    await postJson(base, '/__sandbox/subscriptions', { openid: 'o-1', templateId: ACCEPTED });
    const first = await send({
      touser: 'o-1',
      template_id: ACCEPTED,
      page: 'pages/case/detail?id=7',
      data: acceptedData,
    });
    expect(first).toMatchObject({
      status: 200,
      body: { errcode: 0, errmsg: 'ok', msgid: expect.any(Number) },
    });
    const second = await send({ touser: 'o-1', template_id: ACCEPTED, data: acceptedData });
    expect(second.body.errcode).toBe(43101);
    const { body } = await getJson(base, '/__sandbox/subscribe-messages', { touser: 'o-1' });
    expect(body.messages).toEqual([
      expect.objectContaining({
        touser: 'o-1',
        templateId: ACCEPTED,
        page: 'pages/case/detail?id=7',
        miniprogramState: 'formal',
        lang: 'zh_CN',
        data: {
          thing1: '生育津贴申领',
          character_string2: 'GC-2026-000123',
          time3: '2026-11-27 10:00',
          thing4: '请留意后续通知',
        },
      }),
    ]);
  });

  it('counts consents per (openid, template) and adds up repeated accepts', async () => {
    await postJson(base, '/__sandbox/subscriptions', { openid: 'o-2', templateId: ACCEPTED, count: 2 });
    expect(
      (await postJson(base, '/__sandbox/subscriptions', { openid: 'o-2', templateId: ACCEPTED })).body
        .remaining,
    ).toBe(3);
    await send({ touser: 'o-2', template_id: ACCEPTED, data: acceptedData });
    expect(
      (await getJson(base, '/__sandbox/subscriptions', { openid: 'o-2', templateId: ACCEPTED })).body,
    ).toEqual({
      remaining: 2,
    });
    expect(sim.remainingSubscriptions('o-2', 'sim-tpl-case-closed')).toBe(0);
  });

  it('40003 unknown openid, 40037 unknown template, 41030 unregistered page', async () => {
    sim.addSubscription('o-3', ACCEPTED, 5);
    expect(
      (await send({ touser: 'o-unknown', template_id: ACCEPTED, data: acceptedData })).body.errcode,
    ).toBe(40003);
    expect((await send({ touser: 'o-3', template_id: 'tpl-x', data: acceptedData })).body.errcode).toBe(
      40037,
    );
    expect(
      (await send({ touser: 'o-3', template_id: ACCEPTED, page: 'pages/secret/x', data: acceptedData })).body
        .errcode,
    ).toBe(41030);
    await postJson(base, '/__sandbox/pages', { pages: ['pages/secret/x'] });
    expect(
      (await send({ touser: 'o-3', template_id: ACCEPTED, page: 'pages/secret/x', data: acceptedData })).body
        .errcode,
    ).toBe(0);
    // Refused sends did not spend a consent.
    expect(sim.remainingSubscriptions('o-3', ACCEPTED)).toBe(4);
  });

  it('47003 names the offending key; a missing key is invalid too; no consent is spent', async () => {
    sim.addSubscription('o-4', ACCEPTED);
    const tooLong = await send({
      touser: 'o-4',
      template_id: ACCEPTED,
      data: { ...acceptedData, thing1: { value: '这是一个超过二十个字符长度限制的事项名称文本内容' } },
    });
    expect(tooLong.body.errcode).toBe(47003);
    expect(String(tooLong.body.errmsg)).toContain('data.thing1.value');
    const { time3: _, ...withoutTime } = acceptedData;
    const missing = await send({ touser: 'o-4', template_id: ACCEPTED, data: withoutTime });
    expect(String(missing.body.errmsg)).toContain('data.time3.value');
    expect(
      (await send({ touser: 'o-4', template_id: ACCEPTED, data: acceptedData, lang: 'fr' })).body.errcode,
    ).toBe(47003);
    expect(sim.remainingSubscriptions('o-4', ACCEPTED)).toBe(1);
  });

  it('checks the token (41001, 40014, 42001) before anything else', async () => {
    expect((await send({}, null)).body.errcode).toBe(41001);
    expect((await send({}, 'made-up')).body.errcode).toBe(40014);
    sim.advanceClock(7200);
    expect((await send({})).body.errcode).toBe(42001);
  });

  it('stops at the daily quota with 45009 and resumes the next Beijing day', async () => {
    sim.addSubscription('o-5', ACCEPTED, 10);
    sim.advanceClock(secondsIntoNextDay());
    token = (await stableToken(base)).body.access_token as string;
    for (let i = 0; i < 3; i += 1) {
      expect((await send({ touser: 'o-5', template_id: ACCEPTED, data: acceptedData })).body.errcode).toBe(0);
    }
    expect((await send({ touser: 'o-5', template_id: ACCEPTED, data: acceptedData })).body.errcode).toBe(
      45009,
    );
    sim.advanceClock(86_400);
    token = (await stableToken(base)).body.access_token as string;
    expect((await send({ touser: 'o-5', template_id: ACCEPTED, data: acceptedData })).body.errcode).toBe(0);
  });

  it('registers templates over the sandbox and validates their keys', async () => {
    const ok = await postJson(base, '/__sandbox/templates', {
      templateId: 'tpl-new',
      keys: ['thing1', 'amount2'],
    });
    expect(ok.status).toBe(200);
    expect(
      (await postJson(base, '/__sandbox/templates', { templateId: 'tpl-bad', keys: ['weird1'] })).status,
    ).toBe(400);
    expect(
      (await postJson(base, '/__sandbox/subscriptions', { openid: 'o', templateId: 'nope' })).status,
    ).toBe(400);
    const list = (await getJson(base, '/__sandbox/templates')).body.templates as { templateId: string }[];
    expect(list.map((t) => t.templateId)).toEqual(
      expect.arrayContaining([
        ACCEPTED,
        'sim-tpl-case-correction',
        'sim-tpl-case-closed',
        'sim-tpl-rating-invite',
        'tpl-new',
      ]),
    );
    sim.addSubscription('o-6', 'tpl-new');
    const sent = await send({
      touser: 'o-6',
      template_id: 'tpl-new',
      data: { thing1: { value: '缴费' }, amount2: { value: '¥12.50' } },
    });
    expect(sent.body.errcode).toBe(0);
  });

  it('errcode faults apply to the send path like any wire route', async () => {
    sim.setFault({ path: '/cgi-bin/message/subscribe/send', errcode: 45011 });
    expect((await send({})).body.errcode).toBe(45011);
  });
});

function secondsIntoNextDay(): number {
  const day = 86_400_000;
  const intoDay = (Date.now() + 8 * 3_600_000) % day;
  return Math.ceil((day - intoDay) / 1000) + 3600;
}
