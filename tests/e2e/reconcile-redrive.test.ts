import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../gateway/src/platform/db/database';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { call } from '../support/http';
import { runJobToEnd } from '../support/jobs';

// reconcile.redrive: messages, deliveries and callbacks stuck long past their due time (their instance
// died holding the lease, a destination lost its sender, a callback never got applied) are found,
// handed back or applied, reported per kind — and the 系统管理员 hears of it on DingTalk.
describe(`re-driving what got stuck (${dialect})`, () => {
  let t: TestGateway;
  let database: Database;
  let admin: string;
  beforeAll(async () => {
    t = await startTestGateway();
    database = createDatabase(t.env.config.database);
    admin = await t.staffLogin('st-admin-system');
    const security = await t.staffLogin('st-admin-security');
    const linked = await call(`${t.url}/api/v1/admin/staff/st-admin-system/identities/dingtalk`, {
      method: 'PUT',
      token: security,
      body: { externalId: 'mayor', unionId: 'u-mayor' },
    });
    expect(linked.status).toBeLessThan(300);
  });
  afterAll(async () => {
    await database?.close();
    await t?.stop();
  });

  const runToEnd = (name: string) => runJobToEnd(t.url, admin, name);

  it('hands stuck rows back, applies stored callbacks, and reports what needs a person', async () => {
    const db = database.db;
    const longAgo = Date.now() - 60 * 60_000;
    // A delivery whose sender instance died with the lease, and one for a destination nobody sends to.
    const delivery = (id: string, destination: string, owner: string | null) => ({
      id,
      outbox_id: null,
      parent_id: null,
      route: 'test',
      topic: 'task.urged',
      destination,
      delivery_key: `redrive:${id}`,
      order_key: id,
      order_at: longAgo,
      order_seq: `${longAgo}:${id}`,
      payload: JSON.stringify({
        userIds: ['mayor'],
        title: '【催办】测试',
        text: '滞留的通知',
        detailPath: '/staff',
      }),
      status: 'pending',
      attempts: 1,
      next_attempt_at: longAgo,
      lease_owner: owner,
      lease_until: owner ? longAgo + 30_000 : null,
      last_error: null,
      reference: null,
      edits: null,
      created_at: longAgo,
      updated_at: longAgo,
      finished_at: null,
    });
    const stuck = randomUUID();
    const orphan = randomUUID();
    await db
      .insertInto('deliveries')
      .values([
        delivery(stuck, 'dingtalk.notify', 'crashed-host:1234'),
        delivery(orphan, 'fax.machine', null),
      ])
      .execute();
    // A stored WeChat consent event that was never applied (its instance died before running it).
    const event = randomUUID();
    const me = await t.login(`o-redrive-${randomUUID()}`);
    const openid = (
      await db
        .selectFrom('citizens')
        .select('openid')
        .where('id', '=', me.citizenId)
        .executeTakeFirstOrThrow()
    ).openid;
    await db
      .insertInto('callback_inbox')
      .values({
        id: event,
        source: 'wechat',
        dedupe_key: `redrive:${event}`,
        event_type: 'subscribe_msg_popup_event',
        payload: JSON.stringify({
          FromUserName: openid,
          CreateTime: String(Math.floor(longAgo / 1000)),
          Event: 'subscribe_msg_popup_event',
          List: [{ TemplateId: 'sim-tpl-case-accepted', SubscribeStatusString: 'accept', PopupScene: '0' }],
        }),
        status: 'pending',
        attempts: 1,
        next_attempt_at: longAgo,
        lease_owner: 'crashed-host:1234',
        lease_until: longAgo + 60_000,
        last_error: null,
        received_at: longAgo,
        processed_at: null,
      })
      .execute();

    const run = await runToEnd('reconcile.redrive');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({
      'drift.delivery.stuck': 1,
      'drift.delivery.no_sender': 1,
      'drift.inbox.unprocessed': 1,
    });
    expect(run.summary).toMatch(/已修复 2 项，需人工处理 1 项/);

    // The stuck delivery went out, the consent was counted, the orphan waits for a person.
    const sent = async () =>
      (await db.selectFrom('deliveries').select('status').where('id', '=', stuck).executeTakeFirstOrThrow())
        .status;
    for (let i = 0; i < 100 && (await sent()) !== 'delivered'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await sent()).toBe('delivered');
    const settings = await call(`${t.url}/api/v1/me/notification-settings`, { token: me.accessToken });
    expect(
      settings.body.templates.find((x: { templateId: string }) => x.templateId === 'sim-tpl-case-accepted')
        .remaining,
    ).toBe(1);

    const report = await call(`${t.url}/api/v1/admin/reconcile/runs/${run.id}`, { token: admin });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ repaired: 2, needsPerson: 1 });
    expect(report.body.needsPersonItems).toEqual([
      expect.objectContaining({ kind: 'delivery.no_sender', ref: orphan, outcomeText: '需人工处理' }),
    ]);
    const listed = await call(
      `${t.url}/api/v1/admin/reconcile/drift?job=reconcile.redrive&outcome=needs_person`,
      { token: admin },
    );
    expect(listed.body.items.map((i: { ref: string }) => i.ref)).toEqual([orphan]);

    // The 系统管理员 (on DingTalk as 'mayor') got the drift summary as a 工作通知.
    const sim = t.gateway.dingtalkSimulator!;
    let told = '';
    for (let i = 0; i < 100 && !told.includes('对账'); i++) {
      told = JSON.stringify((await call(`${sim.url}/__sandbox/notifications?userid=mayor`)).body);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(told).toContain('需人工处理 1 项');

    // A second run finds nothing new to hand back (the orphan is reported again: it still needs a person).
    const again = await runToEnd('reconcile.redrive');
    expect(again.counts.repaired).toBe(0);
  });
});
