import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { eventually } from '../support/eventually';
import { call } from '../support/http';

// The citizen's consent can also reach us through WeChat's message push (safe mode, encrypted): the
// subscribe_msg_popup_event is verified, stored in the inbox and counted, and the next notice goes out
// by WeChat instead of SMS. A citizen who asked for SMS gets SMS.
describe(`citizen consents from the WeChat message push (${dialect})`, () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => t?.stop());

  const accept = async (token: string, caseId: string) => {
    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const task = (await call(`${t.url}/api/v1/staff/tasks`, { token: clerk })).body.items.find(
      (i: { caseId: string }) => i.caseId === caseId,
    );
    expect(
      (await call(`${t.url}/api/v1/staff/tasks/${task.id}/approve`, { token: clerk, body: {} })).status,
    ).toBe(200);
    return token;
  };

  it('counts a consent pushed by WeChat and uses it for the 受理 notice', async () => {
    const wechat = t.gateway.wechatSimulator!;
    const openid = `o-push-${randomUUID()}`;
    const me = await t.login(openid);
    wechat.addSubscription(openid, 'sim-tpl-case-accepted');
    const pushed = await wechat.push({
      FromUserName: openid,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'subscribe_msg_popup_event',
      List: [{ TemplateId: 'sim-tpl-case-accepted', SubscribeStatusString: 'accept', PopupScene: '0' }],
    });
    expect(pushed.delivered).toBe(true);
    await eventually(
      'the consent to be counted',
      async () => (await call(`${t.url}/api/v1/me/notification-settings`, { token: me.accessToken })).body,
      (body) =>
        body.templates.some(
          (x: { templateId: string; remaining: number }) =>
            x.templateId === 'sim-tpl-case-accepted' && x.remaining === 1,
        ),
    );
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: me.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: validApplication(),
    });
    expect(submitted.status).toBe(201);
    await accept(me.accessToken, submitted.body.id);
    const sent = await eventually(
      'the WeChat 受理 message',
      () => wechat.subscribeMessages(openid),
      (list) => list.length > 0,
    );
    expect(sent.map((m) => m.templateId)).toEqual(['sim-tpl-case-accepted']);
    expect(
      t.gateway
        .smsSimulator!.messages('13000000001')
        .filter((m) => JSON.stringify(m).includes(submitted.body.caseNumber)),
    ).toEqual([]);
  });

  it('sends SMS to a citizen who asked for SMS even with a WeChat consent left', async () => {
    const wechat = t.gateway.wechatSimulator!;
    const openid = `o-sms-${randomUUID()}`;
    const me = await t.login(openid);
    wechat.addSubscription(openid, 'sim-tpl-case-accepted');
    await call(`${t.url}/api/v1/me/subscriptions`, {
      token: me.accessToken,
      body: { 'sim-tpl-case-accepted': 'accept' },
    });
    const set = await call(`${t.url}/api/v1/me/notification-settings`, {
      method: 'PUT',
      token: me.accessToken,
      body: { channel: 'sms' },
    });
    expect(set.status).toBe(200);
    const phone = '13000000077';
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: me.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: validApplication({
        formData: { ...validApplication().formData, phone },
      }),
    });
    expect(submitted.status).toBe(201);
    await accept(me.accessToken, submitted.body.id);
    const sms = await eventually(
      'the 受理 SMS',
      () => t.gateway.smsSimulator!.messages(phone),
      (list) => list.length > 0,
    );
    expect(JSON.stringify(sms)).toContain(submitted.body.caseNumber);
    expect(wechat.subscribeMessages(openid)).toEqual([]);
  });
});
