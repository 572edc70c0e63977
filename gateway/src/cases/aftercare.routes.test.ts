// 结果领取方式 and 好差评 over real HTTP (the whole gateway): the citizen's case detail, choosing and
// changing the delivery, rating a closed case; bad input as 422 problems with pointers and no partial
// write; another citizen's case and another department's staff answer 404.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../tests/support/http';
import { dialect } from '../../test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../test/test-gateway';
import * as fixtures from '../materials/testing/fixtures';
import { openFieldCipher } from '../platform/crypto';
import { createDatabase, type Database } from '../platform/db/database';
import { rotatePersonalData } from './pii-rotation';

const ADMIN = 'admin-token-for-aftercare-tests-0123456789';
const PHONE = '13900001234';

// A service of the maternity flow (人社局) whose form has an attachment field, offering no mailing.
const form = {
  id: 'test-aftercare',
  version: 1,
  title: '领取方式测试表',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'proof'],
    properties: {
      name: { type: 'string', title: '姓名', minLength: 2 },
      proof: {
        type: 'array',
        title: '出生证明',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } },
        },
      },
    },
  },
  ui: {
    sections: [{ title: '材料', fields: ['name', 'proof'] }],
    fields: {
      name: { widget: 'text' },
      proof: {
        widget: 'attachment',
        material: 'birth-medical-certificate',
        accept: ['pdf'],
        maxSizeKb: 1024,
      },
    },
  },
};

const mail = (address: Record<string, unknown> = {}) => ({
  method: 'mail',
  address: {
    recipient: '王测试',
    phone: PHONE,
    region: '330106',
    detail: '文三路 90 号 3 幢 201 室',
    ...address,
  },
});

describe(`result delivery and rating of a citizen's case (${dialect})`, () => {
  let t: TestGateway;
  let database: Database;
  let citizen: Awaited<ReturnType<TestGateway['login']>>;
  let other: Awaited<ReturnType<TestGateway['login']>>;
  const staff: Record<string, string> = {};
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${t.url}/api/v1${path}`, init);
  const mine = (path: string, init: Parameters<typeof call>[1] = {}) =>
    api(path, { token: citizen.accessToken, ...init });
  const put = (caseId: string, body: unknown, token = citizen.accessToken) =>
    api(`/cases/${caseId}/delivery`, { method: 'PUT', token, body });
  const rate = (caseId: string, body: unknown, token = citizen.accessToken) =>
    api(`/cases/${caseId}/rating`, { token, body });

  beforeAll(async () => {
    t = await startTestGateway({ ADMIN_API_TOKEN: ADMIN, WORKFLOW_TIMER_INTERVAL_MS: '60000' });
    database = createDatabase(t.env.config.database);
    citizen = await t.login('o-aftercare-citizen');
    other = await t.login('o-aftercare-other');
    for (const id of ['st-hrss-clerk-1', 'st-hrss-approver-1', 'st-hrss-head', 'st-ps-clerk-1'])
      staff[id] = await t.staffLogin(id);
    const base = JSON.parse(
      readFileSync(
        new URL('../../../config/catalog/services/hrss.maternity-allowance.json', import.meta.url),
        'utf8',
      ),
    );
    const published = await api('/admin/catalog/publish', {
      headers: { authorization: `Bearer ${ADMIN}` },
      body: {
        forms: [form],
        services: [
          {
            ...base,
            code: 'test.aftercare',
            name: '领取方式测试事项',
            form: 'test-aftercare@1',
            resultDelivery: ['pickup', 'elicence'],
          },
        ],
      },
    });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  });
  afterAll(async () => {
    await database?.close();
    await t?.stop();
  });

  async function submit(body: Record<string, unknown> = validApplication(), token = citizen.accessToken) {
    const res = await api('/cases', { token, headers: { 'idempotency-key': randomUUID() }, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res;
  }

  async function taskOf(caseId: string, who: string) {
    const res = await api('/staff/tasks?box=todo&limit=100', { token: staff[who] });
    return (res.body.items as { id: string; caseId: string }[]).find((i) => i.caseId === caseId)!;
  }

  /** 窗口受理 → 待遇审核 → 负责人审批: the case is 办结. */
  async function complete(caseId: string, token = citizen.accessToken) {
    const accept = await taskOf(caseId, 'st-hrss-clerk-1');
    const act = (who: string, taskId: string, action: string) =>
      api(`/staff/tasks/${taskId}/${action}`, { token: staff[who], body: { comment: '同意' } });
    expect((await act('st-hrss-clerk-1', accept.id, 'claim')).status).toBe(200);
    expect((await act('st-hrss-clerk-1', accept.id, 'approve')).status).toBe(200);
    const review = await taskOf(caseId, 'st-hrss-approver-1');
    expect((await act('st-hrss-approver-1', review.id, 'approve')).status).toBe(200);
    const decision = await taskOf(caseId, 'st-hrss-head');
    expect((await act('st-hrss-head', decision.id, 'approve')).status).toBe(200);
    expect((await api(`/cases/${caseId}`, { token })).body.status).toBe('completed');
  }

  const stored = async (caseId: string) =>
    (
      await sql<Record<string, unknown>>`SELECT * FROM case_deliveries WHERE case_id = ${caseId}`.execute(
        database.db,
      )
    ).rows[0];
  const eventCount = async (caseId: string) =>
    Number(
      (
        await sql<{ n: unknown }>`SELECT COUNT(*) AS n FROM case_events WHERE case_id = ${caseId}`.execute(
          database.db,
        )
      ).rows[0]!.n,
    );

  const expectProblem = (res: Awaited<ReturnType<typeof call>>, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code });
  };

  it('shows the options of a new case: all three methods, the sites of its department, nothing chosen', async () => {
    const submitted = await submit();
    expect(submitted.body).toMatchObject({
      delivery: null,
      deliveryEditable: true,
      rating: null,
      ratable: false,
    });
    const detail = await mine(`/cases/${submitted.body.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      delivery: null,
      deliveryEditable: true,
      rating: null,
      ratable: false,
    });
    const options = detail.body.deliveryOptions as {
      method: string;
      label: string;
      sites?: { id: string }[];
    }[];
    expect(options.map((o) => [o.method, o.label])).toEqual([
      ['mail', '邮寄送达'],
      ['pickup', '窗口自取'],
      ['elicence', '电子证照'],
    ]);
    expect(options[1]!.sites!.map((s) => s.id)).toEqual(['lj-centre-hrss', 'xishan-centre-hrss']);
    expect(options[1]!.sites![0]).toMatchObject({
      name: expect.any(String),
      address: expect.stringContaining('临江市'),
    });
  });

  it('stores a mailing address with the phone sealed, shows it masked, records timeline and audit', async () => {
    const caseId = (await submit()).body.id;
    const res = await put(caseId, mail());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      method: 'mail',
      methodLabel: '邮寄送达',
      address: {
        recipient: '王测试',
        phoneMasked: '139****1234',
        region: '330106',
        regionName: '浙江省杭州市西湖区',
        detail: '文三路 90 号 3 幢 201 室',
      },
      chosenAt: expect.stringMatching(/Z$/),
    });
    const row = await stored(caseId);
    expect(row).toMatchObject({ method: 'mail', recipient: '王测试', region: '330106' });
    expect(String(row!.phone)).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(String(row!.detail)).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(JSON.stringify(row)).not.toContain(PHONE);

    const detail = await mine(`/cases/${caseId}`);
    expect(detail.body.delivery).toEqual(res.body);
    expect(detail.body.timeline.at(-1)).toMatchObject({
      type: 'delivery_chosen',
      label: '结果领取方式',
      note: '选择结果领取方式：邮寄送达',
    });
    const audit = await sql<{ actor_id: string; details: string }>`
      SELECT actor_id, details FROM audit_log WHERE action = 'chooseCaseDelivery' AND object_id = ${caseId}`.execute(
      database.db,
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.actor_id).toBe(citizen.citizenId);
    expect(JSON.parse(audit.rows[0]!.details)).toEqual({ method: 'mail' });

    // Changed to 窗口自取: the address is gone from the row, the timeline says what changed.
    const pickup = await put(caseId, { method: 'pickup', siteId: 'xishan-centre-hrss' });
    expect(pickup.status).toBe(200);
    expect(pickup.body).toMatchObject({
      method: 'pickup',
      methodLabel: '窗口自取',
      site: { id: 'xishan-centre-hrss', name: '西山区政务服务中心人社窗口' },
    });
    expect(pickup.body.address).toBeUndefined();
    expect(await stored(caseId)).toMatchObject({
      method: 'pickup',
      site_id: 'xishan-centre-hrss',
      phone: null,
    });
    expect((await mine(`/cases/${caseId}`)).body.timeline.at(-1).note).toBe(
      '修改结果领取方式：窗口自取（西山区政务服务中心人社窗口）',
    );
    expect((await put(caseId, { method: 'elicence' })).body).toMatchObject({ method: 'elicence' });
  });

  it('lets staff who mail the result reveal the phone and street address, on the audit record', async () => {
    const caseId = (await submit()).body.id;
    expect((await put(caseId, mail())).status).toBe(200);
    const reveal = (field: string, who: string) =>
      api(`/staff/cases/${caseId}/reveal`, {
        token: staff[who],
        body: { field, purpose: '邮寄办理结果，核对收件信息' },
      });
    // 人社局 head (pii.reveal): both parts in full.
    const phone = await reveal('delivery.phone', 'st-hrss-head');
    expect(phone.status, JSON.stringify(phone.body)).toBe(200);
    expect(phone.body).toEqual({ caseId, field: 'delivery.phone', value: PHONE });
    expect((await reveal('delivery.detail', 'st-hrss-head')).body.value).toBe('文三路 90 号 3 幢 201 室');
    const audit = await sql<{ details: string }>`
      SELECT details FROM audit_log WHERE action = 'pii.reveal' AND object_id = ${caseId}`.execute(
      database.db,
    );
    expect(audit.rows.map((r) => JSON.parse(r.details).field).sort()).toEqual([
      'delivery.detail',
      'delivery.phone',
    ]);
    expect(JSON.stringify(audit.rows)).not.toContain(PHONE);
    // A clerk has no pii.reveal; another department's clerk does not see the case.
    expect((await reveal('delivery.phone', 'st-hrss-clerk-1')).status).toBe(403);
    expect((await reveal('delivery.phone', 'st-ps-clerk-1')).status).toBe(403);
    // Changed to pick-up: no address to reveal; an unknown delivery part is refused by the schema.
    await put(caseId, { method: 'pickup', siteId: 'xishan-centre-hrss' });
    const none = await reveal('delivery.phone', 'st-hrss-head');
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('delivery_not_found');
    expect((await reveal('delivery.recipient', 'st-hrss-head')).status).toBe(400);
  });

  it('answers bad input with 422, pointers and zh-CN words, and writes nothing', async () => {
    const caseId = (await submit()).body.id;
    expect((await put(caseId, { method: 'pickup', siteId: 'lj-centre-hrss' })).status).toBe(200);
    const before = { row: await stored(caseId), events: await eventCount(caseId) };
    const cases: [unknown, string, string][] = [
      [mail({ phone: '12345' }), '/address/phone', '请输入正确的手机号码'],
      [mail({ region: '999999' }), '/address/region', '请选择所在地区（省 / 市 / 区县）'],
      [mail({ recipient: '   ' }), '/address/recipient', '请填写收件人姓名（不超过 30 个字）'],
      [mail({ detail: 'x'.repeat(121) }), '/address/detail', '详细地址不能超过 120 个字符'],
      [{ method: 'mail' }, '/address', '缺少必填项：邮寄地址'],
      [{ method: 'pickup' }, '/siteId', '缺少必填项：自取地点'],
      [{ method: 'pickup', siteId: 'nowhere' }, '/siteId', '请从列表中选择自取地点'],
      [{ method: 'fax' }, '/method', '请选择结果领取方式：邮寄送达、窗口自取或电子证照'],
      [{}, '/method', '缺少必填项：领取方式'],
      [{ ...mail(), siteId: 'lj-centre-hrss' }, '/siteId', '所选方式不需要填写此项：siteId'],
      [{ method: 'elicence', extra: 1 }, '/extra', '不允许的字段：extra'],
    ];
    for (const [body, pointer, message] of cases) {
      const res = await put(caseId, body);
      expectProblem(res, 422, 'validation_failed');
      expect(res.body.errors, JSON.stringify(body)).toContainEqual(
        expect.objectContaining({ pointer, message }),
      );
    }
    expectProblem(await put(caseId, 'a string'), 422, 'validation_failed');
    const malformed = await mine(`/cases/${caseId}/delivery`, {
      method: 'PUT',
      raw: '{"method":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(malformed, 400, 'malformed_json');
    expect(await stored(caseId)).toEqual(before.row);
    expect(await eventCount(caseId)).toBe(before.events);
  });

  it('refuses a method the service does not offer (422), and lists only what it offers', async () => {
    const up = await uploadPdf(citizen.accessToken);
    const caseId = (
      await submit({
        serviceCode: 'test.aftercare',
        channel: 'wechat',
        formData: { name: '周测试', proof: [{ id: up.id, name: '出生证明.pdf' }] },
      })
    ).body.id;
    const detail = await mine(`/cases/${caseId}`);
    expect(detail.body.deliveryOptions.map((o: { method: string }) => o.method)).toEqual([
      'pickup',
      'elicence',
    ]);
    const res = await put(caseId, mail());
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ pointer: '/method', code: 'method_not_offered' }),
    ]);
    expect(await stored(caseId)).toBeUndefined();
  });

  it("answers another citizen's case like a missing one (404), and writes nothing", async () => {
    const caseId = (await submit()).body.id;
    expectProblem(await put(caseId, mail(), other.accessToken), 404, 'case_not_found');
    expectProblem(await rate(caseId, { score: 5 }, other.accessToken), 404, 'case_not_found');
    expectProblem(await api(`/cases/${caseId}`, { token: other.accessToken }), 404, 'case_not_found');
    expectProblem(await put(randomUUID(), mail()), 404, 'case_not_found');
    expect(await stored(caseId)).toBeUndefined();
  });

  it('locks the delivery of a closed or withdrawn case (409) and opens the rating once (201, then 409)', async () => {
    const caseId = (await submit()).body.id;
    expect((await put(caseId, mail())).status).toBe(200);
    expectProblem(await rate(caseId, { score: 5 }), 409, 'case_not_closed');
    await complete(caseId);

    const closed = await mine(`/cases/${caseId}`);
    expect(closed.body).toMatchObject({ deliveryEditable: false, ratable: true, rating: null });
    const locked = await put(caseId, { method: 'elicence' });
    expectProblem(locked, 409, 'delivery_locked');
    expect(locked.body.detail).toBe('办件已办结，不能再修改领取方式');
    expect(await stored(caseId)).toMatchObject({ method: 'mail' });

    const bad = await rate(caseId, { score: 2, comment: '  ' });
    expectProblem(bad, 422, 'validation_failed');
    expect(bad.body.errors).toEqual([
      expect.objectContaining({ pointer: '/comment', code: 'reason_required', message: '差评请说明原因' }),
    ]);
    expectProblem(await rate(caseId, { score: 6 }), 422, 'validation_failed');
    expectProblem(await rate(caseId, { score: 4, comment: 'x'.repeat(501) }), 422, 'validation_failed');

    const rated = await rate(caseId, {
      score: 5,
      tags: ['办事效率高', '服务态度好'],
      comment: `窗口很耐心，有事可联系 ${PHONE}`,
    });
    expect(rated.status, JSON.stringify(rated.body)).toBe(201);
    expect(rated.body).toEqual({
      score: 5,
      label: '非常满意',
      tags: ['办事效率高', '服务态度好'],
      comment: '窗口很耐心，有事可联系 139****1234',
      ratedAt: expect.stringMatching(/Z$/),
    });
    const again = await rate(caseId, { score: 1, tags: ['跑了多次'] });
    expectProblem(again, 409, 'already_rated');
    expect(again.body.detail).toBe('您已评价过该办件');
    const shown = await mine(`/cases/${caseId}`);
    expect(shown.body).toMatchObject({ ratable: false, rating: rated.body });

    // Staff of the department see the choice masked and the rating; another department's do not see the case.
    const view = await api(`/staff/cases/${caseId}`, { token: staff['st-hrss-clerk-1'] });
    expect(view.status).toBe(200);
    expect(view.body.delivery).toMatchObject({
      method: 'mail',
      address: { recipient: '王测试', phoneMasked: '139****1234', regionName: '浙江省杭州市西湖区' },
    });
    expect(view.body.delivery.address.detail).toMatch(/\*{4}$/);
    expect(view.body.delivery.address.detail).not.toContain('201');
    expect(view.body.case.delivery).toEqual(view.body.delivery);
    expect(view.body.rating).toEqual(rated.body);
    expect(view.body.materials).toEqual([]);
    expect((await api(`/staff/cases/${caseId}`, { token: staff['st-ps-clerk-1'] })).status).toBe(404);
  });

  it('takes one of two simultaneous ratings (201) and refuses the other (409)', async () => {
    const caseId = (await submit()).body.id;
    await complete(caseId);
    const answers = await Promise.all([rate(caseId, { score: 5 }), rate(caseId, { score: 1, tags: ['慢'] })]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = answers.find((r) => r.status === 201)!;
    expect((await mine(`/cases/${caseId}`)).body.rating).toEqual(winner.body);
  });

  it('treats a withdrawn case as closed for the delivery, not as ratable', async () => {
    const caseId = (await submit()).body.id;
    expect((await mine(`/cases/${caseId}/withdraw`, { body: {} })).status).toBe(204);
    const locked = await put(caseId, { method: 'elicence' });
    expectProblem(locked, 409, 'delivery_locked');
    expect(locked.body.detail).toBe('办件已撤回，不能再修改领取方式');
    expectProblem(await rate(caseId, { score: 3 }), 409, 'case_not_closed');
    expect((await mine(`/cases/${caseId}`)).body).toMatchObject({ deliveryEditable: false, ratable: false });
  });

  it('exports the choice in clear and the rating with the citizen’s own data', async () => {
    const me = await t.login(`o-aftercare-export-${randomUUID()}`);
    const caseId = (await submit(validApplication(), me.accessToken)).body.id;
    expect((await put(caseId, mail(), me.accessToken)).status).toBe(200);
    const created = await api('/me/data-requests', { token: me.accessToken, body: { kind: 'export' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const download = await call(`${t.url}${created.body.exportUrl}`, { token: me.accessToken });
    expect(download.status).toBe(200);
    const exported = download.body.sections.cases.data[0];
    expect(exported.delivery).toMatchObject({
      method: 'mail',
      address: { phone: PHONE, phoneMasked: '139****1234' },
    });
    expect(exported.rating).toBeNull();
  });

  it('on a deletion request drops the addresses of closed cases and rating comments, keeps the open case’s', async () => {
    const me = await t.login(`o-aftercare-erase-${randomUUID()}`);
    const closed = (await submit(validApplication(), me.accessToken)).body.id;
    const open = (await submit(validApplication(), me.accessToken)).body.id;
    for (const id of [closed, open]) expect((await put(id, mail(), me.accessToken)).status).toBe(200);
    await complete(closed, me.accessToken);
    expect((await rate(closed, { score: 3, comment: '还可以' }, me.accessToken)).status).toBe(201);

    const created = await api('/me/data-requests', {
      token: me.accessToken,
      body: { kind: 'deletion', reason: '不再使用' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const deleted = Object.fromEntries(
      created.body.deleted.map((d: { name: string; count: number }) => [d.name, d.count]),
    );
    expect(deleted.cases).toBe(2 + 2); // two idempotency keys, one address, one comment
    expect(await stored(closed)).toMatchObject({
      method: 'mail',
      recipient: null,
      phone: null,
      detail: null,
    });
    expect(String((await stored(open))!.phone)).toMatch(/^v1\./);
    const shown = await api(`/cases/${closed}`, { token: me.accessToken });
    expect(shown.body.delivery).toEqual({
      method: 'mail',
      methodLabel: '邮寄送达',
      chosenAt: expect.any(String),
    });
    expect(shown.body.rating).toMatchObject({ score: 3, comment: null });
    expect((await api(`/cases/${open}`, { token: me.accessToken })).body.delivery.address.phoneMasked).toBe(
      '139****1234',
    );
  });

  it('re-encrypts the sealed phone and address under a new data key; they still read', async () => {
    const caseId = (await submit()).body.id;
    expect((await put(caseId, mail())).status).toBe(200);
    const kid = (v: unknown) => /^v1\.([0-9a-f]{8})\./.exec(String(v))?.[1];
    const before = await stored(caseId);
    const cipher = await openFieldCipher(database.db, t.env.config);
    const fresh = await cipher.keys.rotate();
    expect(kid(before!.phone)).not.toBe(fresh);
    const reports = await rotatePersonalData(database.db, cipher, { restart: true });
    expect(reports.find((r) => r.table === 'case_deliveries')).toMatchObject({ rows: expect.any(Number) });
    const after = await stored(caseId);
    expect([kid(after!.phone), kid(after!.detail)]).toEqual([fresh, fresh]);
    const read = () => mine(`/cases/${caseId}`);
    await expect.poll(async () => (await read()).status).toBe(200);
    expect((await read()).body.delivery.address).toMatchObject({
      phoneMasked: '139****1234',
      detail: '文三路 90 号 3 幢 201 室',
    });
    const again = await rotatePersonalData(database.db, cipher, { restart: true });
    expect(again.find((r) => r.table === 'case_deliveries')!.values).toBe(0);
  });

  it('any body gives 200 or a 422 problem with pointers, never a 500; a refused body changes nothing', async () => {
    const caseId = (await submit()).body.id;
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('', ' ', PHONE, '330106', 'lj-centre-hrss'),
    );
    const address = fc.record(
      { recipient: text, phone: text, region: text, detail: text, extra: text },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.record(
        {
          method: fc.oneof(fc.constantFrom('mail', 'pickup', 'elicence'), fc.string({ maxLength: 10 })),
          address: fc.oneof(address, fc.jsonValue({ maxDepth: 1 })),
          siteId: fc.oneof(fc.constantFrom('lj-centre-hrss', 'lj-centre-ps'), text),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const before = await stored(caseId);
        const res = await put(caseId, b);
        expect([200, 422], JSON.stringify(res.body)).toContain(res.status);
        if (res.status === 422) {
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(res.body.errors.length).toBeGreaterThan(0);
          for (const e of res.body.errors) expect(e.pointer).toMatch(/^\//);
          expect(await stored(caseId)).toEqual(before);
        }
      }),
      { numRuns: 120 },
    );
    const rating = fc.oneof(
      fc.record(
        {
          score: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.string({ maxLength: 2 })),
          tags: fc.oneof(fc.array(text, { maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })),
          comment: fc.oneof(text, fc.string({ minLength: 495, maxLength: 505 })),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    // The case is open: a valid rating is refused as 409, an invalid one as 422 first.
    await fc.assert(
      fc.asyncProperty(rating, async (b) => {
        const res = await rate(caseId, b);
        expect([409, 422], JSON.stringify(res.body)).toContain(res.status);
        if (res.status === 422) for (const e of res.body.errors) expect(e.pointer).toMatch(/^\//);
      }),
      { numRuns: 120 },
    );
  });

  it('lists the attached materials for staff and streams one, on the audit record; others are 404', async () => {
    const up = await uploadPdf(citizen.accessToken);
    const unrelated = await uploadPdf(citizen.accessToken);
    const caseId = (
      await submit({
        serviceCode: 'test.aftercare',
        channel: 'wechat',
        formData: { name: '周测试', proof: [{ id: up.id, name: '出生证明.pdf' }] },
      })
    ).body.id;
    const clerk = staff['st-hrss-clerk-1'];
    const view = await api(`/staff/cases/${caseId}`, { token: clerk });
    expect(view.status).toBe(200);
    expect(view.body.materials).toEqual([
      {
        id: up.id,
        name: '出生证明.pdf',
        mime: 'application/pdf',
        size: up.sizeBytes,
        materialCode: 'birth-medical-certificate',
        materialName: '出生医学证明',
        field: 'proof',
      },
    ]);
    expect(view.body.case.materials).toEqual(view.body.materials);

    const url = `${t.url}/api/v1/staff/cases/${caseId}/materials/${up.id}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${clerk}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('etag')).toBe(`"${up.sha256}"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(up.bytes)).toBe(true);
    const audit = await sql<{ actor_id: string; object_id: string; details: string }>`
      SELECT actor_id, object_id, details FROM audit_log WHERE action = 'pii.material'`.execute(database.db);
    expect(audit.rows).toEqual([
      { actor_id: 'st-hrss-clerk-1', object_id: caseId, details: JSON.stringify({ materialId: up.id }) },
    ]);

    const status = (path: string, token = clerk) =>
      fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    expect(await status(`/staff/cases/${caseId}/materials/${up.id}`, staff['st-ps-clerk-1'])).toBe(404);
    expect(await status(`/staff/cases/${caseId}/materials/${unrelated.id}`)).toBe(404);
    expect(await status(`/staff/cases/${caseId}/materials/${randomUUID()}`)).toBe(404);
    expect(await status(`/staff/cases/${randomUUID()}/materials/${up.id}`)).toBe(404);
    expect(await status(`/staff/cases/${caseId}/materials/not-a-uuid`)).toBe(404);
    // Only the one successful read is on the record.
    expect(
      (await sql`SELECT id FROM audit_log WHERE action = 'pii.material'`.execute(database.db)).rows,
    ).toHaveLength(1);
  });

  async function uploadPdf(token: string, text = randomUUID()) {
    const body = new FormData();
    body.append('file', new Blob([fixtures.pdf(text)]), '出生证明.pdf');
    const res = await fetch(`${t.url}/api/v1/materials?serviceCode=test.aftercare&field=proof`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body,
    });
    const json = (await res.json()) as { id: string; sizeBytes: number; sha256: string };
    expect(res.status, JSON.stringify(json)).toBe(201);
    return { ...json, bytes: fixtures.pdf(text) };
  }
});
