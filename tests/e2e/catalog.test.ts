import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFieldCipher } from '../../gateway/src/platform/crypto';
import { createDatabase } from '../../gateway/src/platform/db/database';
import { dialect } from '../../gateway/test/test-env';
import { fakeIdNumber, startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { call } from '../support/http';
import { ROOT } from '../support/spawn-gateway';

const ADMIN = 'test-admin-token-0123456789abcdef0123456789';
const shipped = (file: string) => JSON.parse(readFileSync(join(ROOT, 'config', 'catalog', file), 'utf8'));

/** A small service + form with linkage, published by the tests themselves. */
function linkedForm(version = 1) {
  return {
    id: 'test-linkage',
    version,
    title: '联动测试表',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'married'],
      properties: {
        name: { type: 'string', title: '姓名', minLength: 2 },
        married: { type: 'boolean', title: '已婚' },
        spouseIdNumber: {
          type: 'string',
          title: '配偶身份证号',
          format: 'cn-resident-id',
          'x-sensitive': 'id-number',
        },
        children: { type: 'integer', title: '子女数', minimum: 0 },
        subsidy: { type: 'string', title: '补贴档次' },
        phone: { type: 'string', title: '手机号码', format: 'cn-mobile', 'x-sensitive': 'phone' },
      },
    },
    ui: {
      sections: [
        { title: '基本信息', fields: ['name', 'married', 'spouseIdNumber', 'children', 'subsidy', 'phone'] },
      ],
      fields: {
        name: { widget: 'text', prefill: 'profile.name' },
        married: { widget: 'switch' },
        spouseIdNumber: { widget: 'id-number' },
        children: { widget: 'number' },
        subsidy: { widget: 'text' },
        phone: { widget: 'phone', prefill: 'profile.phone' },
      },
    },
    linkage: [
      {
        field: 'spouseIdNumber',
        show: { fact: 'form.married', operator: 'equal', value: true },
        require: { fact: 'form.married', operator: 'equal', value: true },
      },
      {
        field: 'subsidy',
        compute: {
          cases: [
            { when: { fact: 'form.children', operator: 'greaterThanInclusive', value: 2 }, value: '二档' },
          ],
          default: '一档',
        },
      },
      { field: 'subsidy', readonly: { fact: 'form.name', operator: 'exists', value: true } },
    ],
  };
}

function linkedService(version = 1, form = 'test-linkage@1') {
  const base = shipped('services/hrss.maternity-allowance.json');
  return { ...base, code: 'test.linkage', name: '联动测试事项', version, form, tags: ['联动测试'] };
}

describe(`catalog, forms and drafts (${dialect})`, () => {
  let t: TestGateway;
  let citizen: Awaited<ReturnType<TestGateway['login']>>;
  const admin = { authorization: `Bearer ${ADMIN}` };
  const publish = (body: unknown, headers: Record<string, string> = admin) =>
    call(`${t.url}/api/v1/admin/catalog/publish`, { body, headers });
  const submit = (body: unknown) =>
    call(`${t.url}/api/v1/cases`, {
      token: citizen.accessToken,
      body,
      headers: { 'idempotency-key': randomUUID() },
    });

  beforeAll(async () => {
    t = await startTestGateway({ ADMIN_API_TOKEN: ADMIN });
    citizen = await t.login();
    const res = await publish({ forms: [linkedForm()], services: [linkedService()] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
  afterAll(async () => t?.stop());

  it('publishes config/catalog at start-up and lists services', async () => {
    const list = await call(`${t.url}/api/v1/services`);
    expect(list.status).toBe(200);
    const codes = list.body.items.map((s: { code: string }) => s.code);
    expect(codes).toContain('hrss.maternity-allowance');
    expect(codes).toContain('test.linkage');
  });

  it('finds services by partial Chinese keywords, full-width text and filters', async () => {
    const find = async (query: string) =>
      (await call(`${t.url}/api/v1/services?${query}`)).body.items.map((s: { code: string }) => s.code);
    expect(await find(`q=${encodeURIComponent('津贴')}`)).toContain('hrss.maternity-allowance');
    expect(await find(`q=${encodeURIComponent('生育 津贴')}`)).toContain('hrss.maternity-allowance');
    expect(await find(`q=${encodeURIComponent('生育 驾驶证')}`)).not.toContain('hrss.maternity-allowance');
    expect(await find(`q=${encodeURIComponent('联动测试')}`)).toEqual(['test.linkage']);
    expect(await find('lifeEvent=birth')).toContain('hrss.maternity-allowance');
    expect(await find('department=hrss')).toContain('hrss.maternity-allowance');
    expect(await find('applicantKind=enterprise')).not.toContain('hrss.maternity-allowance');
    expect((await call(`${t.url}/api/v1/services?applicantKind=robot`)).status).toBe(400);
  });

  it('serves a service with its guide and current form, and any form version', async () => {
    const svc = await call(`${t.url}/api/v1/services/hrss.maternity-allowance`);
    expect(svc.body.guide.materials.length).toBeGreaterThan(0);
    expect(svc.body.form).toMatchObject({ id: 'maternity-allowance', version: 1 });
    const form = await call(`${t.url}/api/v1/forms/maternity-allowance/versions/1`);
    expect(form.body.schema.properties.idNumber.title).toBe('身份证号码');
    expect((await call(`${t.url}/api/v1/forms/maternity-allowance/versions/99`)).status).toBe(404);
  });

  it('applies linkage on the server: hidden values dropped, conditional required, computed and read-only fields', async () => {
    const base = { serviceCode: 'test.linkage', channel: 'wechat' };
    const missing = await submit({ ...base, formData: { name: '赵测试', married: true } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      { pointer: '/formData/spouseIdNumber', code: 'required', message: '缺少必填项：配偶身份证号' },
    ]);

    const single = await submit({
      ...base,
      formData: {
        name: '赵测试',
        married: false,
        spouseIdNumber: fakeIdNumber(5),
        children: 3,
        subsidy: '三档',
      },
    });
    expect(single.status).toBe(201);
    expect(single.body.formData).not.toHaveProperty('spouseIdNumber'); // hidden → dropped
    expect(single.body.formData.subsidy).toBe('二档'); // computed, client value ignored
    expect(single.body.form).toEqual({ id: 'test-linkage', version: 1 });

    const married = await submit({
      ...base,
      formData: { name: '赵测试', married: true, spouseIdNumber: fakeIdNumber(6) },
    });
    expect(married.status).toBe(201);
    expect(married.body.formData.subsidy).toBe('一档');
    expect(married.body.formData.spouseIdNumber).toMatch(/^\d{3}\*{11}\w{4}$/);
  });

  it('lists regions level by level for the region picker', async () => {
    const provinces = (await call(`${t.url}/api/v1/regions`)).body.items;
    expect(provinces).toContainEqual({ code: '110000', name: '北京市' });
    const cities = (await call(`${t.url}/api/v1/regions?parent=330000`)).body.items;
    expect(cities).toContainEqual({ code: '330100', name: '杭州市' });
    const districts = (await call(`${t.url}/api/v1/regions?parent=330100`)).body.items;
    expect(districts.map((d: { code: string }) => d.code)).toContain('330106');
    expect((await call(`${t.url}/api/v1/regions?parent=330106`)).status).toBe(404);
    expect((await call(`${t.url}/api/v1/regions?parent=abc`)).status).toBe(400);
  });

  it('refuses the admin API without the admin token or a 系统管理员 signed in', async () => {
    expect((await publish({ forms: [] }, {})).status).toBe(401);
    const wrong = await publish({ forms: [] }, { authorization: 'Bearer wrong-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('token_invalid');
    const clerk = await t.staffLogin('st-hrss-clerk-1');
    const denied = await publish({ forms: [] }, { authorization: `Bearer ${clerk}` });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('permission_denied');
    const auditor = await t.staffLogin('st-admin-audit');
    expect((await publish({ forms: [] }, { authorization: `Bearer ${auditor}` })).status).toBe(403);
    const sysadmin = await t.staffLogin('st-admin-system');
    expect((await publish({ forms: [] }, { authorization: `Bearer ${sysadmin}` })).status).not.toBe(403);
  });

  it('rejects a bad publish with every problem located, and changes nothing', async () => {
    const before = await call(`${t.url}/api/v1/services/test.linkage`);
    const broken = linkedForm(2);
    (broken.schema.properties as Record<string, unknown>).extra = { type: 'string' }; // no title, not placed in a section
    const res = await publish({
      forms: [broken],
      services: [linkedService(2, 'test-linkage@2'), { code: 'Bad' }],
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('catalog_invalid');
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers.some((p: string) => p.startsWith('/forms/0'))).toBe(true);
    expect(pointers.some((p: string) => p.startsWith('/services/1'))).toBe(true);
    for (const e of res.body.errors) expect(e.message).toMatch(/[\u4e00-\u9fa5]|must|required/);
    const after = await call(`${t.url}/api/v1/services/test.linkage`);
    expect(after.body).toEqual(before.body);
    expect((await call(`${t.url}/api/v1/forms/test-linkage/versions/2`)).status).toBe(404);
  });

  it('refuses to change a published version and to publish an incompatible form version', async () => {
    const changed = { ...linkedForm(1), title: '改过的标题' };
    const immutable = await publish({ forms: [changed] });
    expect(immutable.status).toBe(422);
    expect(immutable.body.errors[0].message).toContain('不可修改');

    const v2 = linkedForm(2);
    delete (v2.schema.properties as Record<string, unknown>).children;
    v2.ui.sections[0]!.fields = v2.ui.sections[0]!.fields.filter((f) => f !== 'children');
    delete (v2.ui.fields as Record<string, unknown>).children;
    v2.linkage = v2.linkage.filter((l) => l.field !== 'subsidy');
    v2.schema.required = [...v2.schema.required, 'nickname'];
    (v2.schema.properties as Record<string, unknown>).nickname = { type: 'string', title: '昵称' };
    v2.ui.sections[0]!.fields.push('nickname');
    (v2.ui.fields as Record<string, unknown>).nickname = { widget: 'text' };
    const incompatible = await publish({ forms: [v2] });
    expect(incompatible.status).toBe(422);
    const text = incompatible.body.errors.map((e: { message: string }) => e.message).join('\n');
    expect(text).toContain('children');
    expect(text).toContain('nickname');
  });

  it('publishes a new form version at run time; old cases keep theirs; drafts migrate', async () => {
    // A draft under v1 (married + spouse ID) …
    const saved = await call(`${t.url}/api/v1/drafts/test.linkage`, {
      method: 'PUT',
      token: citizen.accessToken,
      body: {
        channel: 'h5',
        formData: { name: '钱测试', married: true, spouseIdNumber: fakeIdNumber(7), children: 1 },
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.formData.spouseIdNumber).toMatch(/\*/);
    expect(saved.body.fieldStates.spouseIdNumber).toEqual({ visible: true, required: true, readonly: false });
    const oldCase = await submit({
      serviceCode: 'test.linkage',
      channel: 'wechat',
      formData: { name: '钱测试', married: false },
    });

    // … then v2 renames `name` to `fullName` and adds a required `nickname` with a default.
    const v2 = linkedForm(2);
    const props = v2.schema.properties as Record<string, unknown>;
    props.fullName = props.name;
    delete props.name;
    props.nickname = { type: 'string', title: '昵称', minLength: 1 };
    v2.schema.required = ['fullName', 'married', 'nickname'];
    v2.ui.sections[0]!.fields = [
      'fullName',
      'married',
      'spouseIdNumber',
      'children',
      'subsidy',
      'phone',
      'nickname',
    ];
    const ui = v2.ui.fields as Record<string, unknown>;
    ui.fullName = ui.name;
    delete ui.name;
    ui.nickname = { widget: 'text' };
    v2.linkage = v2.linkage.map((l) =>
      l.readonly ? { ...l, readonly: { fact: 'form.fullName', operator: 'exists', value: true } } : l,
    );
    (v2 as Record<string, unknown>).migrations = [
      { op: 'rename', from: 'name', to: 'fullName' },
      { op: 'default', field: 'nickname', value: '未填' },
    ];
    const res = await publish({ forms: [v2], services: [linkedService(2, 'test-linkage@2')] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await call(`${t.url}/api/v1/services/test.linkage`)).body.form.version).toBe(2);

    const draft = await call(`${t.url}/api/v1/drafts/test.linkage`, { token: citizen.accessToken });
    expect(draft.body.form).toEqual({ id: 'test-linkage', version: 2 });
    expect(draft.body.migratedFrom).toBe(1);
    expect(draft.body.formData).toMatchObject({
      fullName: '钱测试',
      nickname: '未填',
      married: true,
      children: 1,
    });
    expect(draft.body.formData).not.toHaveProperty('name');

    // Submitting the migrated draft as received (masked spouse ID included) uses the full stored value.
    const fromDraft = await submit({
      serviceCode: 'test.linkage',
      channel: 'h5',
      fromDraft: true,
      formData: draft.body.formData,
    });
    expect(fromDraft.status, JSON.stringify(fromDraft.body)).toBe(201);
    expect(fromDraft.body.form).toEqual({ id: 'test-linkage', version: 2 });
    expect((await call(`${t.url}/api/v1/drafts/test.linkage`, { token: citizen.accessToken })).status).toBe(
      404,
    );
    const database = createDatabase(t.env.config.database);
    try {
      const row = await (database.db as Kysely<any>)
        .selectFrom('cases')
        .select('form_data')
        .where('id', '=', fromDraft.body.id)
        .executeTakeFirstOrThrow();
      // Stored sealed (SM4, bound to this case's row); it is the full number the draft held.
      const stored = JSON.parse(row.form_data).spouseIdNumber as string;
      expect(stored).toMatch(/^v1\.[0-9a-f]{8}\./);
      const cipher = await openFieldCipher(database.db, t.env.config);
      expect(
        cipher.decrypt(stored, {
          table: 'cases',
          column: 'form_data.spouseIdNumber',
          rowId: fromDraft.body.id,
        }),
      ).toBe(fakeIdNumber(7));
    } finally {
      await database.close();
    }

    // The case submitted under v1 is still shown with v1.
    const old = await call(`${t.url}/api/v1/cases/${oldCase.body.id}`, { token: citizen.accessToken });
    expect(old.body.form).toEqual({ id: 'test-linkage', version: 1 });
    expect(old.body.formData.name).toBe('钱测试');
    const versions = await call(`${t.url}/api/v1/admin/catalog/services/test.linkage/versions`, {
      headers: admin,
    });
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('prefills from what the citizen gave before, masked, and accepts the masked value back', async () => {
    const who = await t.login();
    const first = await call(`${t.url}/api/v1/cases`, {
      token: who.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        serviceCode: 'hrss.maternity-allowance',
        channel: 'wechat',
        formData: {
          applicantName: '孙测试',
          idNumber: fakeIdNumber(42),
          phone: '13000000042',
          deliveryDate: '2026-09-01',
          deliveryType: '顺产',
          employer: '测试单位',
        },
      },
    });
    expect(first.status).toBe(201);
    const prefill = await call(`${t.url}/api/v1/services/hrss.maternity-allowance/prefill`, {
      token: who.accessToken,
    });
    expect(prefill.body.formData).toEqual({
      applicantName: '孙测试',
      idNumber: expect.stringMatching(/^110\*+\d{3}[\dX]$/),
      phone: '130****0042',
    });
    const again = await call(`${t.url}/api/v1/cases`, {
      token: who.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        serviceCode: 'hrss.maternity-allowance',
        channel: 'wechat',
        formData: {
          ...prefill.body.formData,
          deliveryDate: '2026-09-01',
          deliveryType: '顺产',
          employer: '测试单位',
        },
      },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    // A masked value that matches nothing we hold is simply invalid.
    const bogus = await call(`${t.url}/api/v1/cases`, {
      token: who.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        serviceCode: 'hrss.maternity-allowance',
        channel: 'wechat',
        formData: {
          ...prefill.body.formData,
          idNumber: '120***********1234',
          deliveryDate: '2026-09-01',
          deliveryType: '顺产',
          employer: '测试单位',
        },
      },
    });
    expect(bogus.status).toBe(400);
    expect(bogus.body.errors[0].pointer).toBe('/formData/idNumber');
  });
});
