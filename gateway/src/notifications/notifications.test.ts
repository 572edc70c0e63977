// Citizen notifications end to end below the gateway: outbox → real DeliveryWorker → the WeChat and
// SMS simulators over HTTP, on the dialect under test.
import { randomUUID } from 'node:crypto';
import {
  createAliyunSmsProvider,
  createSmsSimulator,
  type SmsProvider,
  type SmsSimulator,
} from '@gcrm/connectors/sms';
import {
  createMemoryTokenCache,
  createWechatClient,
  createWechatSimulator,
  type WechatClient,
  type WechatSimulator,
} from '@gcrm/connectors/wechat';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import type { InboxEvent } from '../callbacks/inbox-handlers';
import { type DeliveryRoute, DeliveryWorker, deliveryMigrations } from '../delivery';
import { IdentityRepository, identityMigrations } from '../identity';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { inTransaction } from '../platform/db/transaction';
import { OutboxWriter, outboxMigrations } from '../platform/outbox/outbox';
import { citizenNotificationRoute, smsSender, wechatSubscribeSender } from './citizen-route';
import { loadNotificationsConfig } from './notifications.config';
import { notificationMigrations } from './notifications.migrations';
import { NotificationService } from './notifications.service';
import { subscribeEventHandler } from './subscribe-events.handler';

const APP = { appId: 'wx5im0000000000001', appSecret: 'sim-wechat-secret-0123456789abcdef' };
const SMS = { accessKeyId: 'LTAI5imTestKey0001', accessKeySecret: 'sim-sms-secret-0123456789' };
const TPL = {
  accepted: 'sim-tpl-case-accepted',
  correction: 'sim-tpl-case-correction',
  closed: 'sim-tpl-case-closed',
  rating: 'sim-tpl-rating-invite',
};
const config = loadNotificationsConfig();

let env: TestEnv;
let database: Database;
let identity: IdentityRepository;
let service: NotificationService;
let wechatSim: WechatSimulator;
let smsSim: SmsSimulator;
let client: WechatClient;
let sms: SmsProvider;
const phones = new Map<string, string>();
let route: DeliveryRoute;
let phoneSeq = 0;

beforeAll(async () => {
  env = await createTestEnv();
  database = createDatabase(env.config.database);
  await migrate(
    database.db,
    outboxMigrations,
    deliveryMigrations,
    identityMigrations,
    notificationMigrations,
  );
  identity = new IdentityRepository(database.db);
  service = new NotificationService(database.db, config);
  wechatSim = createWechatSimulator(APP);
  wechatSim.addPages(['pages/cases/detail']);
  await wechatSim.listen(0);
  smsSim = createSmsSimulator({ ...SMS, limits: { perMinute: 100, perHour: 100, perDay: 100 } });
  await smsSim.listen(0);
  client = createWechatClient(
    { ...APP, apiBase: wechatSim.url, timeoutMs: 2000 },
    { tokenCache: createMemoryTokenCache() },
  );
  sms = createAliyunSmsProvider({ ...SMS, signName: '政务服务中心', apiBase: smsSim.url, timeoutMs: 2000 });
  route = citizenNotificationRoute({
    config,
    service,
    serviceName: (code) =>
      code === 'S-LONG' ? '城乡居民基本养老保险待遇领取资格认证及待遇发放申请' : '个体工商户设立登记',
    contactPhone: async (caseId) => phones.get(caseId),
    openidOf: (citizenId) => identity.openidOf(citizenId),
  });
});
afterAll(async () => {
  await wechatSim?.close();
  await smsSim?.close();
  await database?.close();
  await env?.cleanup();
});
afterEach(() => wechatSim.clearFaults());

interface Citizen {
  id: string;
  openid: string;
}

async function newCitizen(): Promise<Citizen> {
  const openid = `o5im${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  wechatSim.mintLoginCode(openid); // the simulator knows the openid from a login
  const { id } = await identity.upsertWechatCitizen(APP.appId, openid, undefined, Date.now());
  return { id, openid };
}

/** A case of `citizen` with (by default) a fictitious mobile number in its form. */
function newCase(withPhone = true) {
  const caseId = randomUUID();
  const phone = `1380013${String(8000 + (phoneSeq++ % 2000)).padStart(4, '0')}`;
  if (withPhone) phones.set(caseId, phone);
  return { caseId, phone, caseNumber: `20261127${String(100000 + phoneSeq)}` };
}

async function emit(
  topic: string,
  citizen: Citizen,
  c: { caseId: string; caseNumber: string },
  serviceCode = 'S1',
) {
  await inTransaction(database.db, (tx) =>
    new OutboxWriter(database.db).enqueueAll(
      tx,
      [
        {
          topic,
          aggregateType: 'case',
          aggregateId: c.caseId,
          dedupeKey: `${topic}:${c.caseId}:${randomUUID()}`,
          payload: {
            caseId: c.caseId,
            caseNumber: c.caseNumber,
            serviceCode,
            citizenId: citizen.id,
            status: 'x',
          },
        },
      ],
      Date.now(),
    ),
  );
}

async function deliver() {
  const worker = new DeliveryWorker(
    database.db,
    [route],
    [
      wechatSubscribeSender(client, (id) => identity.openidOf(id)),
      smsSender(sms, async (id) => phones.get(id)),
    ],
    { name: 'w', pollIntervalMs: 20, backoff: { baseMs: 20, capMs: 100, maxAttempts: 3 } },
  );
  await worker.drain({ maxWaitMs: 500, timeoutMs: 15_000 });
}

const deliveriesOf = (caseId: string) =>
  database.db
    .selectFrom('deliveries')
    .select(['destination', 'delivery_key', 'status', 'attempts', 'payload'])
    .where('order_key', '=', caseId)
    .orderBy('order_seq')
    .execute();

/** The citizen accepted `templateId` once: reported by the mini-program, counted by WeChat. */
async function consent(citizen: Citizen, templateId: string) {
  await service.recordClientAnswers(citizen.id, { [templateId]: 'accept' });
  wechatSim.addSubscription(citizen.openid, templateId);
}

const remaining = async (citizenId: string, templateId: string) =>
  (await service.settings(citizenId)).templates.find((t) => t.templateId === templateId)!.remaining;

describe(`citizen notifications (${dialect})`, () => {
  it('consent recorded → the WeChat message reaches the simulator; the allowance is spent', async () => {
    const citizen = await newCitizen();
    const c = newCase();
    await consent(citizen, TPL.accepted);
    await emit('case.accepted', citizen, c);
    await deliver();
    const [message] = wechatSim.subscribeMessages(citizen.openid);
    expect(wechatSim.subscribeMessages(citizen.openid)).toHaveLength(1);
    expect(message).toMatchObject({
      templateId: TPL.accepted,
      page: `pages/cases/detail?id=${c.caseId}`,
      data: {
        thing1: '个体工商户设立登记',
        character_string2: c.caseNumber,
        thing4: '您的申请已受理，请留意办理进度',
      },
    });
    expect(message!.data.time3).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(smsSim.messages(c.phone)).toHaveLength(0);
    expect(await remaining(citizen.id, TPL.accepted)).toBe(0);
    expect(await deliveriesOf(c.caseId)).toMatchObject([
      { destination: 'wechat.subscribe', delivery_key: `wechat:accepted:${c.caseId}`, status: 'delivered' },
    ]);
  });

  it('no consent → SMS to the number in the case form, OutId = the delivery key', async () => {
    const citizen = await newCitizen();
    const c = newCase();
    await emit('case.accepted', citizen, c);
    await deliver();
    expect(wechatSim.subscribeMessages(citizen.openid)).toHaveLength(0);
    const texts = smsSim.messages(c.phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({
      templateCode: 'SMS_CASE_ACCEPTED',
      outId: `sms:accepted:${c.caseId}`,
      content: `【政务服务中心】您申请的个体工商户设立登记已受理，办件编号${c.caseNumber}。`,
    });
    const [row] = await deliveriesOf(c.caseId);
    expect(row!.payload).not.toContain(c.phone);
  });

  it('43101 from WeChat → refused, not retried, SMS instead; our count drops to 0', async () => {
    const citizen = await newCitizen();
    const c = newCase();
    // We counted an accept, but WeChat has none (e.g. the citizen withdrew it in the settings page).
    await service.recordClientAnswers(citizen.id, { [TPL.accepted]: 'accept' });
    const before = wechatSim.stats().byPath['/cgi-bin/message/subscribe/send'] ?? 0;
    await emit('case.accepted', citizen, c);
    await deliver();
    expect((wechatSim.stats().byPath['/cgi-bin/message/subscribe/send'] ?? 0) - before).toBe(1);
    expect(await deliveriesOf(c.caseId)).toMatchObject([
      { destination: 'wechat.subscribe', status: 'refused', attempts: 1 },
      { destination: 'sms', delivery_key: `sms:accepted:${c.caseId}`, status: 'delivered' },
    ]);
    expect(smsSim.messages(c.phone)).toHaveLength(1);
    const settings = await service.settings(citizen.id);
    expect(settings.templates.find((t) => t.templateId === TPL.accepted)).toMatchObject({
      remaining: 0,
      lastStatus: 'used_up',
    });
  });

  it('a redelivered outbox message sends once; 办结 goes before 评价邀请', async () => {
    const citizen = await newCitizen();
    const c = newCase();
    await consent(citizen, TPL.closed);
    await consent(citizen, TPL.rating);
    await emit('case.completed', citizen, c);
    await emit('case.completed', citizen, c); // the same event once more (a producer's retry)
    await deliver();
    const messages = wechatSim.subscribeMessages(citizen.openid);
    expect(messages.map((m) => m.templateId)).toEqual([TPL.closed, TPL.rating]);
    expect(messages[0]!.data.phrase3).toBe('已办结');
    expect(smsSim.messages(c.phone)).toHaveLength(0);
    expect((await deliveriesOf(c.caseId)).map((d) => d.delivery_key)).toEqual([
      `wechat:closed:${c.caseId}`,
      `wechat:rating:${c.caseId}`,
    ]);
  });

  it('planning the same message twice takes one allowance (the reservation is keyed)', async () => {
    const citizen = await newCitizen();
    const c = newCase();
    await service.recordClientAnswers(citizen.id, { [TPL.accepted]: 'accept' });
    await service.recordClientAnswers(citizen.id, { [TPL.accepted]: 'accept' });
    const message = {
      id: 'm-1',
      topic: 'case.accepted',
      aggregateType: 'case',
      aggregateId: c.caseId,
      dedupeKey: 'd-1',
      payload: { caseId: c.caseId, caseNumber: c.caseNumber, serviceCode: 'S1', citizenId: citizen.id },
      createdAt: Date.now(),
    };
    const first = await route.plan(message);
    const second = await route.plan(message);
    expect(second).toEqual(first);
    expect(first).toMatchObject([{ destination: 'wechat.subscribe', key: `wechat:accepted:${c.caseId}` }]);
    expect(await remaining(citizen.id, TPL.accepted)).toBe(1);
  });

  it('a citizen who asked for SMS gets SMS although a consent is left', async () => {
    const citizen = await newCitizen();
    const c = newCase();
    await consent(citizen, TPL.correction);
    await service.setChannel(citizen.id, 'sms');
    await emit('case.returned', citizen, c);
    await deliver();
    expect(wechatSim.subscribeMessages(citizen.openid)).toHaveLength(0);
    expect(smsSim.messages(c.phone)).toMatchObject([{ templateCode: 'SMS_CASE_CORRECTION' }]);
    expect(await remaining(citizen.id, TPL.correction)).toBe(1);
  });

  it('no consent and no number → nothing is planned', async () => {
    const citizen = await newCitizen();
    const c = newCase(false);
    await emit('case.rejected', citizen, c);
    await deliver();
    expect(await deliveriesOf(c.caseId)).toEqual([]);
  });

  it('values keep WeChat’s rules: a long service name is cut to 20 characters', async () => {
    const citizen = await newCitizen();
    const c = newCase();
    await consent(citizen, TPL.accepted);
    await emit('case.accepted', citizen, c, 'S-LONG');
    await deliver();
    const [message] = wechatSim.subscribeMessages(citizen.openid);
    expect([...message!.data.thing1!]).toHaveLength(20);
    expect(message!.data.thing1!.endsWith('…')).toBe(true);
  });
});

describe(`subscribe push events (${dialect})`, () => {
  const event = (id: string, citizen: Citizen, name: string, status: string, templateId = TPL.accepted) =>
    ({
      id,
      source: 'wechat',
      eventType: name,
      dedupeKey: id,
      payload: {
        ToUserName: 'gh_5im0123456789',
        FromUserName: citizen.openid,
        CreateTime: 1_780_000_000,
        MsgType: 'event',
        Event: name,
        List: [{ TemplateId: templateId, SubscribeStatusString: status, PopupScene: '0' }],
      },
      receivedAt: Date.now(),
      attempt: 1,
    }) satisfies InboxEvent;
  const handler = () =>
    subscribeEventHandler(service, (openid) => identity.citizenIdByOpenid(APP.appId, openid));

  it('popup accept adds one, once per inbox row; the mini-program’s report of the same dialog is matched', async () => {
    const citizen = await newCitizen();
    const popup = event(randomUUID(), citizen, 'subscribe_msg_popup_event', 'accept');
    await handler()(popup);
    await handler()(popup);
    expect(await remaining(citizen.id, TPL.accepted)).toBe(1);
    await service.recordClientAnswers(citizen.id, { [TPL.accepted]: 'accept' });
    expect(await remaining(citizen.id, TPL.accepted)).toBe(1);
    await service.recordClientAnswers(citizen.id, { [TPL.accepted]: 'accept' });
    expect(await remaining(citizen.id, TPL.accepted)).toBe(2);
  });

  it('a change to reject leaves nothing to spend; unknown openids and templates are ignored', async () => {
    const citizen = await newCitizen();
    await service.recordClientAnswers(citizen.id, { [TPL.closed]: 'accept', [TPL.rating]: 'reject' });
    await handler()(event(randomUUID(), citizen, 'subscribe_msg_change_event', 'reject', TPL.closed));
    const settings = await service.settings(citizen.id);
    expect(settings.templates.find((t) => t.templateId === TPL.closed)).toMatchObject({
      remaining: 0,
      lastStatus: 'reject',
    });
    expect(settings.templates.find((t) => t.templateId === TPL.rating)).toMatchObject({
      lastStatus: 'reject',
    });
    await handler()(
      event(randomUUID(), { id: 'x', openid: 'o5im-unknown' }, 'subscribe_msg_popup_event', 'accept'),
    );
    await handler()(
      event(randomUUID(), citizen, 'subscribe_msg_popup_event', 'accept', 'tpl-of-someone-else'),
    );
    await handler()(event(randomUUID(), citizen, 'subscribe_msg_sent_event', 'accept'));
    expect((await service.settings(citizen.id)).templates.every((t) => t.remaining === 0)).toBe(true);
  });

  it('a payload that is no subscribe event is dead at once', async () => {
    const citizen = await newCitizen();
    const bad = {
      ...event(randomUUID(), citizen, 'subscribe_msg_popup_event', 'accept'),
      payload: { Event: 'x' },
    };
    await expect(handler()(bad)).rejects.toMatchObject({
      name: 'PermanentInboxError',
      reason: 'bad_payload',
    });
  });
});
