import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fixtures from '../../gateway/src/materials/testing/fixtures';
import { samples } from '../../gateway/test/form-samples';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { eventually } from '../support/eventually';
import { call } from '../support/http';

// 企业开办一件事 across three departments, each on its own channel: 市场监管局 on DingTalk (待办 and
// 审批, decided in DingTalk), 公安局 on WeCom (task card into the staff page, decided there), 税务局 in
// its Weaver e-cology OA (pushed, decided in the OA, the result polled back). The citizen hears of it
// by WeChat subscribe message where they consented, by SMS where they did not.
describe(`企业开办 across DingTalk, WeCom and a Weaver OA (${dialect})`, () => {
  let t: TestGateway;
  let admin: string;
  const openid = `o-bizstart-${randomUUID()}`;

  beforeAll(async () => {
    t = await startTestGateway();
    const security = await t.staffLogin('st-admin-security');
    admin = await t.staffLogin('st-admin-system');
    const links: [string, 'dingtalk' | 'wecom', string, string?][] = [
      ['st-amr-clerk-1', 'dingtalk', 'liuyang', 'u-liuyang'],
      ['st-amr-clerk-2', 'dingtalk', 'lina', 'u-lina'],
      ['st-amr-approver-1', 'dingtalk', 'wangfang', 'u-wangfang'],
      ['st-amr-head', 'dingtalk', 'zhangwei', 'u-zhangwei'],
      ['st-ps-clerk-1', 'wecom', 'LiuYang'],
      ['st-ps-clerk-2', 'wecom', 'LiNa'],
    ];
    for (const [staffId, provider, externalId, unionId] of links) {
      const linked = await call(`${t.url}/api/v1/admin/staff/${staffId}/identities/${provider}`, {
        method: 'PUT',
        token: security,
        body: { externalId, ...(unionId ? { unionId } : {}) },
      });
      expect(linked.status, JSON.stringify(linked.body)).toBeLessThan(300);
    }
  });
  afterAll(async () => t?.stop());

  const dingtalk = () => t.gateway.dingtalkSimulator!;
  const wecom = () => t.gateway.wecomSimulator!;
  const weaver = () => t.gateway.oaSimulators.get('tax-e9')!;

  /** The running DingTalk approval whose form names this case and step, and who may decide it now. */
  const approvalFor = (caseNumber: string, step: string) =>
    eventually(
      `a DingTalk approval for ${step}`,
      async () => {
        const started = dingtalk()
          .events()
          .filter((e) => e.eventType === 'bpms_instance_change' && e.data.type === 'start')
          .map((e) => String(e.data.processInstanceId));
        for (const id of new Set(started)) {
          const i = (await call(`${dingtalk().url}/__sandbox/approvals/${id}`)).body as {
            status: string;
            tasks: { userId: string; status: string }[];
          };
          const values = JSON.stringify(i);
          const open = i.tasks.find((task) => task.status === 'RUNNING');
          if (values.includes(caseNumber) && values.includes(step) && i.status === 'RUNNING' && open)
            return { id, userid: open.userId };
        }
        return undefined;
      },
      (found) => found !== undefined,
    ) as Promise<{ id: string; userid: string }>;

  const caseStatus = async (token: string, caseId: string) =>
    (await call(`${t.url}/api/v1/cases/${caseId}`, { token })).body.status as string;

  async function submitBusinessStart(token: string) {
    const upload = async (field: string) => {
      const body = new FormData();
      body.append('file', new Blob([fixtures.pdf(`${field} ${randomUUID()}`)]), `${field}.pdf`);
      const res = await fetch(`${t.url}/api/v1/materials?serviceCode=bundle.business-start&field=${field}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body,
      });
      expect(res.status).toBe(201);
      const up = (await res.json()) as { id: string };
      return [{ id: up.id, name: `${field}.pdf` }];
    };
    const { acceptingDepartment, assignedStaff, socialInsuranceStartMonth, housingFundRate, ...form } =
      samples['business-start@1']!;
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        serviceCode: 'bundle.business-start',
        channel: 'wechat',
        formData: {
          ...form,
          selectedItems: ['name-declaration', 'establishment', 'seal', 'tax'],
          sealPickup: '窗口领取',
          leaseContract: await upload('leaseContract'),
          powerOfAttorney: await upload('powerOfAttorney'),
        },
      },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    return { caseId: submitted.body.id as string, caseNumber: submitted.body.caseNumber as string };
  }

  it('fans out to the three departments, each decides in its own channel, and the citizen is told', async () => {
    const me = await t.login(openid);
    // The mini-program asked for 受理 and 办结 messages and the citizen accepted both (not the 评价邀请).
    for (const template of ['sim-tpl-case-accepted', 'sim-tpl-case-closed'])
      t.gateway.wechatSimulator!.addSubscription(openid, template);
    const consent = await call(`${t.url}/api/v1/me/subscriptions`, {
      token: me.accessToken,
      body: {
        'sim-tpl-case-accepted': 'accept',
        'sim-tpl-case-closed': 'accept',
        'sim-tpl-rating-invite': 'reject',
      },
    });
    expect(consent.status, JSON.stringify(consent.body)).toBeLessThan(300);

    const { caseId, caseNumber } = await submitBusinessStart(me.accessToken);

    // 窗口受理 (市场监管局, DingTalk): agreed in the DingTalk approval by 刘洋.
    const accept = await approvalFor(caseNumber, '窗口受理');
    expect(
      dingtalk().decideApproval(accept.id, { userid: accept.userid, result: 'agree', remark: '材料齐全' }),
    ).toBeUndefined();

    // The three departments now work in parallel.
    const seal = await eventually(
      'the WeCom task card',
      () => wecom().messages('LiuYang').messages,
      (list) => list.some((m) => JSON.stringify(m).includes(caseNumber)),
    );
    const card = seal.find((m) => JSON.stringify(m).includes(caseNumber))!;
    expect(card.msgtype).toBe('textcard');
    const taskId = String(card.content.url).split('/staff/tasks/')[1]!;
    expect(taskId).toMatch(/^[0-9a-f-]{36}$/);
    const document = await eventually(
      'the case in the tax OA',
      () => weaver().documents(),
      (docs) => docs.some((d) => d.subject.includes(caseNumber)),
    );
    const taxDoc = document.find((d) => d.subject.includes(caseNumber))!;
    expect(document.filter((d) => d.subject.includes(caseNumber))).toHaveLength(1);
    expect(taxDoc.state).toBe('running');
    expect(JSON.stringify(taxDoc.form)).toContain('临江市云帆信息科技有限公司');

    // 公安局: the clerk opens the card's link in WeCom and approves in the staff page.
    const psClerk = await t.staffLogin('st-ps-clerk-1');
    const done = await call(`${t.url}/api/v1/staff/tasks/${taskId}/approve`, {
      token: psClerk,
      body: { comment: '准予备案' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);

    // 税务局: decided in the OA; the poll picks the result up (Weaver has no callback).
    weaver().decide(taxDoc.externalId, { result: 'approved', opinion: '已办理新办纳税人套餐' });
    const run = await call(`${t.url}/api/v1/admin/jobs/oa.poll/run`, {
      method: 'POST',
      token: admin,
      body: {},
    });
    expect(run.status, JSON.stringify(run.body)).toBeLessThan(300);

    // 市场监管局: 设立登记经办 then 核准 in DingTalk.
    const handle = await approvalFor(caseNumber, '设立登记经办');
    expect(dingtalk().decideApproval(handle.id, { userid: handle.userid, result: 'agree' })).toBeUndefined();
    const approve = await approvalFor(caseNumber, '核准并发放营业执照');
    expect(
      dingtalk().decideApproval(approve.id, { userid: approve.userid, result: 'agree' }),
    ).toBeUndefined();

    await eventually(
      'the case to complete',
      () => caseStatus(me.accessToken, caseId),
      (s) => s === 'completed',
    );

    // Every 待办 of the case is in DingTalk exactly once and done.
    const todos = (await call(`${dingtalk().url}/__sandbox/todos/all`)).body.todos as {
      subject: string;
      done: boolean;
      sourceId: string;
    }[];
    const ours = todos.filter((x) => x.subject.includes(caseNumber));
    expect(ours.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ours.map((x) => x.sourceId)).size).toBe(ours.length);
    await eventually(
      'the DingTalk todos to be done',
      async () =>
        ((await call(`${dingtalk().url}/__sandbox/todos/all`)).body.todos as typeof todos).filter((x) =>
          x.subject.includes(caseNumber),
        ),
      (list) => list.every((x) => x.done),
    );

    // The citizen: 受理 and 办结 by WeChat (consented), the 评价邀请 by SMS (refused in WeChat).
    const messages = await eventually(
      'the WeChat messages',
      () => t.gateway.wechatSimulator!.subscribeMessages(openid),
      (list) => list.length >= 2,
    );
    expect(messages.map((m) => m.templateId).sort()).toEqual([
      'sim-tpl-case-accepted',
      'sim-tpl-case-closed',
    ]);
    expect(JSON.stringify(messages)).toContain(caseNumber);
    const sms = await eventually(
      'the SMS rating invitation',
      () => t.gateway.smsSimulator!.messages(),
      (list) =>
        list.some((m) => JSON.stringify(m).includes(caseNumber) || JSON.stringify(m).includes('评价')),
    );
    expect(sms.length).toBe(1);

    // On the audit record: the decisions taken in DingTalk (as the staff who took them), the OA result,
    // and the case's personal data going to the tax OA (field names only).
    const auditor = await t.staffLogin('st-admin-audit');
    const audit = async (action: string) =>
      (await call(`${t.url}/api/v1/admin/audit?action=${action}&limit=500`, { token: auditor })).body
        .items as {
        actorType: string;
        actorId: string;
        details: Record<string, unknown>;
        objectId: string;
      }[];
    const viaDingtalk = (await audit('approveTask')).filter((r) => r.details?.channel === 'dingtalk');
    expect(viaDingtalk.length).toBeGreaterThanOrEqual(3);
    expect(viaDingtalk.every((r) => r.actorType === 'staff' && r.actorId.startsWith('st-amr-'))).toBe(true);
    expect((await audit('automaticResult')).some((r) => r.actorId === 'oa:tax-e9')).toBe(true);
    const transfer = (await audit('pii.transfer')).find((r) => r.objectId === caseId);
    expect(transfer?.details).toMatchObject({ to: 'oa:tax-e9', department: 'tax' });
    expect(JSON.stringify(transfer)).not.toContain('13912345678');

    // Nothing is stuck or dead.
    const dead = await call(`${t.url}/api/v1/admin/deliveries?status=dead`, { token: admin });
    expect(dead.body.items).toEqual([]);
    const inboxDead = await call(`${t.url}/api/v1/admin/inbox?status=dead`, { token: admin });
    expect(inboxDead.body.items).toEqual([]);
  });

  it('converges when a task is decided both in DingTalk and in the staff pages: the first one wins', async () => {
    const me = await t.login();
    const first = await submitBusinessStart(me.accessToken);
    // DingTalk first: the approval is agreed there, then the clerk tries the same task in our pages.
    const inDingtalk = await approvalFor(first.caseNumber, '窗口受理');
    const clerk = await t.staffLogin('st-amr-clerk-1');
    const tasks = async (caseId: string) =>
      (await call(`${t.url}/api/v1/staff/tasks`, { token: clerk })).body.items.filter(
        (i: { caseId: string }) => i.caseId === caseId,
      ) as { id: string; nodeName: string }[];
    const [acceptTask] = await tasks(first.caseId);
    expect(
      dingtalk().decideApproval(inDingtalk.id, { userid: inDingtalk.userid, result: 'agree' }),
    ).toBeUndefined();
    await eventually(
      'the DingTalk decision to apply',
      () => tasks(first.caseId),
      (list) => list.every((task) => task.id !== acceptTask!.id),
    );
    const late = await call(`${t.url}/api/v1/staff/tasks/${acceptTask!.id}/approve`, {
      token: clerk,
      body: {},
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('task_not_open');
    expect(late.body.detail).toMatch(/已被处理/);

    // Our pages first: the DingTalk approval is terminated, so DingTalk cannot decide it any more.
    const second = await submitBusinessStart(me.accessToken);
    const mirrored = await approvalFor(second.caseNumber, '窗口受理');
    const [task] = await eventually(
      'the accept task',
      () => tasks(second.caseId),
      (list) => list.length > 0,
    );
    const approved = await call(`${t.url}/api/v1/staff/tasks/${task!.id}/approve`, {
      token: clerk,
      body: {},
    });
    expect(approved.status).toBe(200);
    await eventually(
      'the mirrored approval to be terminated',
      async () => (await call(`${dingtalk().url}/__sandbox/approvals/${mirrored.id}`)).body.status as string,
      (status) => status !== 'RUNNING',
    );
    expect(dingtalk().decideApproval(mirrored.id, { userid: mirrored.userid, result: 'refuse' })).toMatch(
      /not running/,
    );

    // Both at once: a DingTalk refusal that arrives after our approval is reported done, not applied.
    const third = await submitBusinessStart(me.accessToken);
    const racing = await approvalFor(third.caseNumber, '窗口受理');
    const [raced] = await eventually(
      'the accept task',
      () => tasks(third.caseId),
      (list) => list.length > 0,
    );
    expect(
      (await call(`${t.url}/api/v1/staff/tasks/${raced!.id}/approve`, { token: clerk, body: {} })).status,
    ).toBe(200);
    const refused = dingtalk().decideApproval(racing.id, {
      userid: racing.userid,
      result: 'refuse',
      remark: '晚到的拒绝',
    });
    // Either DingTalk had already been told (terminated) or its refusal came in after ours: never applied.
    if (refused === undefined) {
      await eventually(
        'the late refusal to be processed',
        async () =>
          (await call(`${t.url}/api/v1/admin/inbox?source=dingtalk&limit=100`, { token: admin })).body
            .items as {
            status: string;
          }[],
        (items) => items.every((i) => i.status === 'done' || i.status === 'ignored'),
      );
      const told = await eventually(
        'the already-done notice in DingTalk',
        async () => (await call(`${dingtalk().url}/__sandbox/notifications?userid=${racing.userid}`)).body,
        (body) => JSON.stringify(body).includes('未生效'),
      );
      expect(JSON.stringify(told)).toContain('已在政务服务平台办理完毕');
    }
    const progress = await call(`${t.url}/api/v1/cases/${third.caseId}`, { token: me.accessToken });
    expect(progress.body.status).not.toBe('returned');
    const dead = await call(`${t.url}/api/v1/admin/inbox?status=dead`, { token: admin });
    expect(dead.body.items).toEqual([]);
  });
});
