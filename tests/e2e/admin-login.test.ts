import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

const PASSWORD = 'Linjiang#2026pw';

describe(`admin console sign-in: password + TOTP, lockout, sessions (${dialect})`, () => {
  let t: TestGateway;
  let security: string;
  let secret: string;
  const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${t.url}/api/v1${path}`, init);
  const login = (body: Record<string, unknown>) => api('/auth/admin/login', { body });

  beforeAll(async () => {
    t = await startTestGateway();
    security = await t.staffLogin('st-admin-security');
  });
  afterAll(async () => t?.stop());

  it('lets only a 安全管理员 set credentials, never their own, with the 等保 password policy', async () => {
    const sysadmin = await t.staffLogin('st-admin-system');
    const denied = await api('/admin/staff/st-admin-system/credentials', {
      method: 'PUT',
      token: sysadmin,
      body: { password: PASSWORD },
    });
    expect(denied.status).toBe(403);
    const self = await api('/admin/staff/st-admin-security/credentials', {
      method: 'PUT',
      token: security,
      body: { password: PASSWORD },
    });
    expect(self.body.code).toBe('self_grant');
    const weak = await api('/admin/staff/st-admin-system/credentials', {
      method: 'PUT',
      token: security,
      body: { password: 'abcdefgh' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0]).toMatchObject({ pointer: '/password', code: 'weak_password' });
    const set = await api('/admin/staff/st-admin-system/credentials', {
      method: 'PUT',
      token: security,
      body: { password: PASSWORD },
    });
    expect(set.status).toBe(200);
    expect(set.body.totpUri).toMatch(/^otpauth:\/\/totp\//);
    secret = set.body.totpSecret;
  });

  it('signs in with password and a fresh code; the same code again is refused', async () => {
    const code = await generate({ secret });
    const ok = await login({ staffId: 'st-admin-system', password: PASSWORD, totp: code });
    expect(ok.status).toBe(200);
    const replay = await login({ staffId: 'st-admin-system', password: PASSWORD, totp: code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('login_failed');
    const token = ok.body.accessToken as string;
    const sessions = await api('/staff/sessions', { token });
    expect(sessions.body.items.find((s: { id: string }) => s.id === sessions.body.current)).toMatchObject({
      method: 'password+totp',
    });
    // Signing out ends the session at once: the token still verifies but the session is gone.
    expect((await api(`/staff/sessions/${sessions.body.current}`, { method: 'DELETE', token })).status).toBe(
      204,
    );
    const after = await api('/staff/me', { token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('session_expired');
  });

  it('locks the account after 5 failures within 15 minutes, whatever comes next', async () => {
    const set = await api('/admin/staff/st-admin-audit/credentials', {
      method: 'PUT',
      token: security,
      body: { password: PASSWORD },
    });
    const auditSecret = set.body.totpSecret as string;
    const attempt = (password: string, totp: string) => login({ staffId: 'st-admin-audit', password, totp });
    for (let i = 0; i < 4; i++) expect((await attempt('Wrong#pass1', '000000')).status).toBe(401);
    const fifth = await attempt('Wrong#pass1', '000000');
    expect(fifth.status).toBe(429);
    expect(fifth.body.code).toBe('account_locked');
    const right = await attempt(PASSWORD, await generate({ secret: auditSecret }));
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('answers an unknown account exactly like a wrong password', async () => {
    const res = await login({ staffId: 'st-nobody', password: PASSWORD, totp: '123456' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('login_failed');
  });
});
