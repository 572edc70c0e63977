// A service marked `requiresPhone` refuses a submission until the citizen has bound a phone (422
// phone_required, nothing stored); once bound, the number prefills the form's phone field (masked) and
// the masked answer is accepted as the bound number. Real gateway, real WeChat simulator.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway, validApplication } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

const ADMIN = 'admin-token-for-phone-required-0123456789';
const PHONE = '13900005678';

describe(`services that need a bound phone (${dialect})`, () => {
  let t: TestGateway;
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${t.url}/api/v1${path}`, init);

  beforeAll(async () => {
    t = await startTestGateway({ ADMIN_API_TOKEN: ADMIN });
    const base = JSON.parse(
      readFileSync(
        new URL('../../config/catalog/services/hrss.maternity-allowance.json', import.meta.url),
        'utf8',
      ),
    );
    const published = await api('/admin/catalog/publish', {
      headers: { authorization: `Bearer ${ADMIN}` },
      body: {
        services: [
          { ...base, code: 'test.needs-phone', name: '须绑定手机号的测试事项', requiresPhone: true },
        ],
      },
    });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const submit = (token: string, formData: Record<string, unknown>) =>
    api('/cases', {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: { ...validApplication(), serviceCode: 'test.needs-phone', formData },
    });

  it('is listed as needing a phone', async () => {
    const service = await api('/services/test.needs-phone');
    expect(service.body.requiresPhone).toBe(true);
    const other = await api('/services/hrss.maternity-allowance');
    expect(other.body.requiresPhone).toBe(false);
  });

  it('no phone bound: 422 phone_required and no case; bound: prefilled, masked, accepted as the number', async () => {
    const citizen = await t.login(`o-needs-phone-${randomUUID()}`);
    const form = validApplication().formData as Record<string, unknown>;
    const refused = await submit(citizen.accessToken, form);
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('phone_required');
    expect(refused.body.title ?? refused.body.detail).toMatch(/手机号/);
    const none = await api('/cases', { token: citizen.accessToken });
    expect(none.body.items).toHaveLength(0);

    // Bind through WeChat's getPhoneNumber (the simulator mints the one-time code the button would give).
    const openid = (await api('/me', { token: citizen.accessToken })).body;
    expect(openid.phoneBound).toBe(false);
    const minted = await api('/me/phone/sandbox-code', {
      token: citizen.accessToken,
      body: { phone: PHONE },
    });
    expect(minted.status, JSON.stringify(minted.body)).toBe(200);
    const bound = await api('/me/phone/wechat', {
      token: citizen.accessToken,
      body: { code: minted.body.code },
    });
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);

    // The bound number prefills the form's phone field, masked; submitting the masked answer stores it.
    const prefill = await api('/services/test.needs-phone/prefill', { token: citizen.accessToken });
    expect(prefill.body.formData.phone).toBe('139****5678');
    const accepted = await submit(citizen.accessToken, { ...form, phone: prefill.body.formData.phone });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    const reveal = await api(`/cases/${accepted.body.id}`, { token: citizen.accessToken });
    expect(reveal.body.formData.phone).toBe('139****5678');
  });
});
