import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import {
  fakeIdNumber,
  startTestGateway,
  type TestGateway,
  validApplication,
} from '../../gateway/test/test-gateway';
import { call } from '../support/http';

describe(`trunk: login → submit → read (${dialect})`, () => {
  let t: TestGateway;
  let alice: Awaited<ReturnType<TestGateway['login']>>;
  let bob: Awaited<ReturnType<TestGateway['login']>>;
  const submit = (token: string, key: string | undefined, body: unknown) =>
    call(`${t.url}/api/v1/cases`, {
      token,
      body,
      headers: key === undefined ? {} : { 'idempotency-key': key },
    });

  beforeAll(async () => {
    t = await startTestGateway();
    alice = await t.login('o-alice');
    bob = await t.login('o-bob');
  });
  afterAll(async () => t?.stop());

  it('logs in with a WeChat code: same openid → same citizen, session_key never returned', async () => {
    const code = t.gateway.wechatSimulator!.mintLoginCode('o-alice', 'u-alice');
    const res = await call(`${t.url}/api/v1/auth/wechat`, { body: { code } });
    expect(res.status).toBe(200);
    expect(res.body.citizen).toEqual({ id: alice.citizenId, isNew: false });
    expect(res.body.tokenType).toBe('Bearer');
    expect(JSON.stringify(res.body)).not.toMatch(/session_?key/i);
    const [header] = res.body.accessToken.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: expect.any(String),
    });
  });

  it('rejects a used or unknown code with 401 and a zh-CN problem', async () => {
    const code = t.gateway.wechatSimulator!.mintLoginCode('o-carol');
    expect((await call(`${t.url}/api/v1/auth/wechat`, { body: { code } })).status).toBe(200);
    const again = await call(`${t.url}/api/v1/auth/wechat`, { body: { code } });
    expect(again.status).toBe(401);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ code: 'wechat_code_invalid', status: 401 });
    expect(again.body.detail).toMatch(/[\u4e00-\u9fa5]/);
    expect((await call(`${t.url}/api/v1/auth/wechat`, { body: { code: 'no-such-code' } })).body.code).toBe(
      'wechat_code_invalid',
    );
  });

  it('submits a case, reads it back, and lists it', async () => {
    const key = randomUUID();
    const created = await submit(alice.accessToken, key, validApplication());
    expect(created.status).toBe(201);
    expect(created.headers.get('idempotent-replayed')).toBeNull();
    expect(created.body).toMatchObject({
      status: 'submitted',
      statusLabel: '已提交',
      channel: 'wechat',
      service: { code: 'hrss.maternity-allowance', name: '生育津贴申领' },
    });
    expect(created.body.caseNumber).toMatch(/^20\d{6}\d{6,}$/);
    expect(created.body.timeline).toEqual([
      expect.objectContaining({ type: 'submitted', status: 'submitted' }),
    ]);
    expect(created.headers.get('location')).toBe(`/api/v1/cases/${created.body.id}`);
    // Personal data leaves masked.
    expect(created.body.formData.idNumber).toBe(
      fakeIdNumber().replace(/^(.{3}).{11}(.{4})$/, '$1***********$2'),
    );
    expect(created.body.formData.phone).toBe('130****0001');

    const read = await call(`${t.url}/api/v1/cases/${created.body.id}`, { token: alice.accessToken });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const list = await call(`${t.url}/api/v1/cases`, { token: alice.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toContain(created.body.id);
    expect(list.body.items[0]).not.toHaveProperty('formData');
  });

  it('replays the first answer for the same key and body, and refuses the same key with another body', async () => {
    const key = randomUUID();
    const first = await submit(alice.accessToken, key, validApplication());
    const replay = await submit(alice.accessToken, key, validApplication());
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    // Key order does not make another body.
    const reordered = validApplication();
    const again = await submit(alice.accessToken, key, {
      formData: reordered.formData,
      channel: reordered.channel,
      serviceCode: reordered.serviceCode,
    });
    expect(again.body.id).toBe(first.body.id);

    const conflict = await submit(alice.accessToken, key, validApplication({ channel: 'h5' }));
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('idempotency_key_reused');

    // The key belongs to the citizen: Bob may use the same string for his own case.
    const bobs = await submit(bob.accessToken, key, validApplication());
    expect(bobs.status).toBe(201);
    expect(bobs.body.id).not.toBe(first.body.id);
  });

  it("answers 404 for another citizen's case, as for a missing one", async () => {
    const mine = await submit(alice.accessToken, randomUUID(), validApplication());
    const theirs = await call(`${t.url}/api/v1/cases/${mine.body.id}`, { token: bob.accessToken });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('case_not_found');
    const missing = await call(`${t.url}/api/v1/cases/${randomUUID()}`, { token: bob.accessToken });
    expect(missing.body).toMatchObject({ status: 404, code: 'case_not_found' });
    expect((await call(`${t.url}/api/v1/cases/not-a-uuid`, { token: bob.accessToken })).status).toBe(404);
    const bobsList = await call(`${t.url}/api/v1/cases`, { token: bob.accessToken });
    expect(bobsList.body.items.map((c: { id: string }) => c.id)).not.toContain(mine.body.id);
  });

  it('pages the list by cursor without gaps or repeats', async () => {
    const carol = await t.login();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await submit(carol.accessToken, randomUUID(), validApplication())).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call(`${t.url}/api/v1/cases?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
        token: carol.accessToken,
      });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(
      (await call(`${t.url}/api/v1/cases?limit=0`, { token: carol.accessToken })).body.errors[0],
    ).toMatchObject({ parameter: 'limit' });
    expect((await call(`${t.url}/api/v1/cases?cursor=bad`, { token: carol.accessToken })).status).toBe(400);
    expect((await call(`${t.url}/api/v1/cases?foo=1`, { token: carol.accessToken })).status).toBe(400);
  });

  it('requires a session and an Idempotency-Key', async () => {
    expect((await submit('', randomUUID(), validApplication())).status).toBe(401);
    expect((await submit('not.a.jwt', randomUUID(), validApplication())).body.code).toBe('token_invalid');
    const missing = await submit(alice.accessToken, undefined, validApplication());
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ header: 'Idempotency-Key', code: 'required' }),
    ]);
  });

  it('explains bad fields with JSON pointers and zh-CN messages, and stores nothing', async () => {
    const dave = await t.login();
    const bad = validApplication({
      formData: {
        ...validApplication().formData,
        idNumber: '110105199003071230',
        phone: '12345',
        extra: 'x',
      },
    });
    const res = await submit(dave.accessToken, randomUUID(), bad);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer).sort();
    expect(pointers).toEqual(['/formData/extra', '/formData/idNumber', '/formData/phone']);
    const idError = res.body.errors.find((e: { pointer: string }) => e.pointer === '/formData/idNumber');
    expect(idError.message).toContain('身份证号码');
    const missing = await submit(dave.accessToken, randomUUID(), {
      serviceCode: 'no.such-service',
      channel: 'wechat',
      formData: {},
    });
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ pointer: '/serviceCode', code: 'unknown_service' }),
    ]);
    const required = await submit(dave.accessToken, randomUUID(), {
      channel: 'wechat',
      formData: {},
      role: 'admin',
    });
    expect(required.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/role',
      '/serviceCode',
    ]);
    expect((await call(`${t.url}/api/v1/cases`, { token: dave.accessToken })).body.items).toEqual([]);
  });

  it('answers 415, 413, 400 and 404 as problems', async () => {
    const wrongType = await call(`${t.url}/api/v1/cases`, {
      token: alice.accessToken,
      raw: 'x=1',
      headers: { 'content-type': 'text/plain', 'idempotency-key': 'k' },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.code).toBe('unsupported_media_type');
    const big = JSON.stringify({ ...validApplication(), formData: { remark: 'x'.repeat(1024 * 1024) } });
    const tooBig = await call(`${t.url}/api/v1/cases`, {
      token: alice.accessToken,
      raw: big,
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k2' },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('payload_too_large');
    const broken = await call(`${t.url}/api/v1/cases`, {
      token: alice.accessToken,
      raw: '{"a":',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k3' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('malformed_json');
    const unknown = await call(`${t.url}/api/v1/nowhere`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    const wrongMethod = await call(`${t.url}/api/v1/cases`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('POST');
  });

  it('rotates refresh tokens and revokes the whole session when an old one is reused', async () => {
    const s = await t.login();
    const r1 = await call(`${t.url}/api/v1/auth/refresh`, { body: { refreshToken: s.refreshToken } });
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(s.refreshToken);
    const r2 = await call(`${t.url}/api/v1/auth/refresh`, { body: { refreshToken: r1.body.refreshToken } });
    expect(r2.status).toBe(200);
    // The first token again: reuse, so the family (including r2's tokens) is revoked.
    const reuse = await call(`${t.url}/api/v1/auth/refresh`, { body: { refreshToken: s.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('refresh_token_reused');
    expect(
      (await call(`${t.url}/api/v1/auth/refresh`, { body: { refreshToken: r2.body.refreshToken } })).status,
    ).toBe(401);
    expect((await call(`${t.url}/api/v1/cases`, { token: r2.body.accessToken })).status).toBe(401);
    // Logout ends a session the same way.
    const other = await t.login();
    const out = await call(`${t.url}/api/v1/auth/logout`, { body: { refreshToken: other.refreshToken } });
    expect(out.status).toBe(204);
    expect((await call(`${t.url}/api/v1/cases`, { token: other.accessToken })).status).toBe(401);
  });

  it('echoes a safe X-Request-Id and makes one otherwise', async () => {
    const mine = await call(`${t.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(mine.headers.get('x-request-id')).toBe('abc-123');
    const made = await call(`${t.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports health and readiness', async () => {
    expect((await call(`${t.url}/healthz`)).body).toEqual({ status: 'ok' });
    expect((await call(`${t.url}/readyz`)).body).toEqual({
      status: 'ok',
      checks: { database: 'ok', cache: 'ok' },
    });
  });

  it('serves an OpenAPI 3.1 document describing every route with the schemas it validates with', async () => {
    const doc = (await call(`${t.url}/api/v1/openapi.json`)).body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(ops.sort()).toEqual(
      [
        'GET /healthz',
        'GET /readyz',
        'GET /api/v1/openapi.json',
        'POST /api/v1/auth/wechat',
        'POST /api/v1/auth/refresh',
        'POST /api/v1/auth/sandbox',
        'POST /api/v1/auth/logout',
        'GET /api/v1/services',
        'GET /api/v1/services/{code}',
        'GET /api/v1/forms/{id}/versions/{version}',
        'GET /api/v1/regions',
        'GET /api/v1/services/{serviceCode}/prefill',
        'PUT /api/v1/drafts/{serviceCode}',
        'GET /api/v1/drafts/{serviceCode}',
        'DELETE /api/v1/drafts/{serviceCode}',
        'GET /api/v1/drafts',
        'POST /api/v1/materials',
        'GET /api/v1/materials',
        'GET /api/v1/materials/{id}',
        'GET /api/v1/materials/{id}/content',
        'DELETE /api/v1/materials/{id}',
        'POST /api/v1/admin/catalog/publish',
        'GET /api/v1/admin/catalog/services/{code}/versions',
        'POST /api/v1/cases',
        'GET /api/v1/cases',
        'GET /api/v1/cases/{id}',
        'GET /api/v1/cases/{id}/progress',
        'POST /api/v1/cases/{id}/withdraw',
        'PUT /api/v1/cases/{id}/correction',
        'POST /api/v1/cases/{id}/urge',
        'PUT /api/v1/cases/{id}/delivery',
        'POST /api/v1/cases/{id}/rating',
        'POST /api/v1/auth/staff/sandbox',
        'POST /api/v1/auth/admin/login',
        'POST /api/v1/auth/dingtalk',
        'POST /api/v1/auth/wecom',
        'POST /api/v1/admin/org/sync/{provider}',
        'POST /api/v1/auth/staff/refresh',
        'GET /api/v1/staff/sessions',
        'DELETE /api/v1/staff/sessions/{id}',
        'PUT /api/v1/admin/staff/{id}/credentials',
        'GET /api/v1/admin/audit',
        'GET /api/v1/admin/audit/verification',
        'GET /api/v1/admin/staff/{id}/identities',
        'PUT /api/v1/admin/staff/{id}/identities/{provider}',
        'GET /api/v1/staff/me',
        'GET /api/v1/staff/tasks',
        'GET /api/v1/staff/tasks/{id}',
        'POST /api/v1/staff/tasks/{id}/claim',
        'POST /api/v1/staff/tasks/{id}/approve',
        'POST /api/v1/staff/tasks/{id}/reject',
        'POST /api/v1/staff/tasks/{id}/return',
        'POST /api/v1/staff/tasks/{id}/transfer',
        'POST /api/v1/staff/tasks/{id}/add-approver',
        'POST /api/v1/staff/tasks/{id}/cc',
        'POST /api/v1/staff/tasks/{id}/comment',
        'POST /api/v1/staff/tasks/{id}/read',
        'POST /api/v1/staff/tasks/{id}/reassign',
        'GET /api/v1/staff/cases/{id}',
        'GET /api/v1/staff/cases/{id}/materials/{materialId}',
        'GET /api/v1/staff/dashboard',
        'POST /api/v1/staff/cases/{id}/urge',
        'POST /api/v1/staff/cases/{id}/supervise',
        'POST /api/v1/staff/cases/{id}/reveal',
        'POST /api/v1/staff/cases/search',
        'POST /api/v1/admin/flows/publish',
        'GET /api/v1/admin/flows/{id}/versions',
        'GET /api/v1/admin/inbox',
        'POST /api/v1/admin/flows/{id}/migrate',
        'POST /api/v1/admin/inbox/{id}/retry',
        'POST /api/v1/admin/workflow/nodes/{id}/result',
        'POST /api/v1/me/data-requests',
        'GET /api/v1/me/data-requests',
        'GET /api/v1/me/data-requests/{id}',
        'GET /api/v1/me/data-requests/{id}/export',
        'GET /api/v1/me',
        'POST /api/v1/me/phone/wechat',
        'POST /api/v1/me/phone/sms-code',
        'POST /api/v1/me/phone',
        'POST /api/v1/me/phone/sandbox-code',
        'POST /api/v1/me/subscriptions',
        'GET /api/v1/me/notification-settings',
        'PUT /api/v1/me/notification-settings',
        'GET /api/v1/staff/data-requests',
        'POST /api/v1/staff/data-requests/{id}/decide',
        'GET /api/v1/admin/jobs',
        'GET /api/v1/admin/jobs/{name}/runs',
        'GET /api/v1/admin/reconcile/drift',
        'GET /api/v1/admin/reconcile/runs/{id}',
        'POST /api/v1/admin/jobs/{name}/run',
        'GET /api/v1/admin/deliveries',
        'GET /api/v1/admin/deliveries/stats',
        'GET /api/v1/admin/deliveries/{id}',
        'PATCH /api/v1/admin/deliveries/{id}',
        'POST /api/v1/admin/deliveries/{id}/replay',
        'POST /api/v1/admin/deliveries/replay',
        'GET /api/v1/me/profile',
        'POST /api/v1/me/real-name',
        'PUT /api/v1/me/profile/consents',
        'GET /api/v1/me/policies',
        'GET /api/v1/me/recommendations',
        'GET /api/v1/services/{serviceCode}/eligibility',
        'POST /api/v1/services/{serviceCode}/pre-review',
        'GET /api/v1/me/offers',
        'POST /api/v1/me/offers/{id}/accept',
        'POST /api/v1/me/offers/{id}/decline',
        'GET /api/v1/admin/rule-sets',
        'GET /api/v1/admin/rule-sets/{code}/versions/{version}',
        'PUT /api/v1/admin/rule-sets/{code}/versions/{version}',
        'POST /api/v1/admin/rule-sets/{code}/versions/{version}/publish',
        'POST /api/v1/admin/rule-sets/{code}/versions/{version}/impact',
      ].sort(),
    );
    const submitOp = doc.paths['/api/v1/cases'].post;
    expect(submitOp.requestBody.content['application/json'].schema.required).toEqual([
      'serviceCode',
      'formData',
      'channel',
    ]);
    expect(submitOp.parameters).toEqual([
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    ]);
    expect(submitOp.security).toEqual([{ citizenBearer: [] }]);
  });
});
