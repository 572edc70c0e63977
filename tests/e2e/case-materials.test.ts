import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fixtures from '../../gateway/src/materials/testing/fixtures';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { call } from '../support/http';
import { ROOT } from '../support/spawn-gateway';

const ADMIN = 'test-admin-token-0123456789abcdef0123456789';

const form = {
  id: 'test-materials',
  version: 1,
  title: '材料测试表',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'proof'],
    properties: {
      name: { type: 'string', title: '姓名', minLength: 2 },
      proof: {
        type: 'array',
        title: '证明材料',
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
      proof: { widget: 'attachment', material: 'proof', accept: ['pdf'], maxSizeKb: 1024 },
    },
  },
};

describe(`materials in applications (${dialect})`, () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ ADMIN_API_TOKEN: ADMIN });
    const base = JSON.parse(
      readFileSync(join(ROOT, 'config', 'catalog', 'services', 'hrss.maternity-allowance.json'), 'utf8'),
    );
    const res = await call(`${t.url}/api/v1/admin/catalog/publish`, {
      headers: { authorization: `Bearer ${ADMIN}` },
      body: {
        forms: [form],
        services: [{ ...base, code: 'test.materials', name: '材料测试事项', form: 'test-materials@1' }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
  afterAll(async () => t?.stop());

  const upload = async (token: string, bytes: Buffer, name: string) => {
    const body = new FormData();
    body.append('file', new Blob([bytes]), name);
    const res = await fetch(`${t.url}/api/v1/materials?serviceCode=test.materials&field=proof`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('takes a citizen’s own uploaded material into a case and then refuses to delete it', async () => {
    const me = await t.login();
    const up = await upload(me.accessToken, fixtures.pdf(), '证明.pdf');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const png = await upload(me.accessToken, fixtures.png(), '照片.png');
    expect(png.status).toBe(415); // the form accepts PDF only
    const submitted = await call(`${t.url}/api/v1/cases`, {
      token: me.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        serviceCode: 'test.materials',
        channel: 'h5',
        formData: { name: '周测试', proof: [{ id: up.body.id, name: '证明.pdf' }] },
      },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const del = await call(`${t.url}/api/v1/materials/${up.body.id}`, {
      method: 'DELETE',
      token: me.accessToken,
    });
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('material_in_use');
  });

  it("refuses another citizen's material, pointing at the entry", async () => {
    const owner = await t.login();
    const thief = await t.login();
    const up = await upload(owner.accessToken, fixtures.pdf(), 'a.pdf');
    const res = await call(`${t.url}/api/v1/cases`, {
      token: thief.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        serviceCode: 'test.materials',
        channel: 'h5',
        formData: { name: '吴测试', proof: [{ id: up.body.id }] },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].pointer).toBe('/formData/proof/0/id');
    expect((await call(`${t.url}/api/v1/cases`, { token: thief.accessToken })).body.items).toEqual([]);
  });
});
