import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialect } from '../../gateway/test/test-env';
import { startTestGateway, type TestGateway } from '../../gateway/test/test-gateway';
import { call } from '../support/http';

// The H5 build in a browser has no wx.login: in embedded mode it signs in through the gateway's sandbox,
// which logs in through the in-process WeChat simulator exactly as the mini-program would.
describe(`citizen sandbox login for H5 (${dialect})`, () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => t?.stop());

  it('signs the same sandbox user in as the same citizen, and a new one without an openid', async () => {
    const first = await call(`${t.url}/api/v1/auth/sandbox`, { body: { openid: 'o-h5-browser-1' } });
    expect(first.status).toBe(200);
    expect(first.body.accessToken).toEqual(expect.any(String));
    const again = await call(`${t.url}/api/v1/auth/sandbox`, { body: { openid: 'o-h5-browser-1' } });
    expect(again.body.citizen.id).toBe(first.body.citizen.id);
    const fresh = await call(`${t.url}/api/v1/auth/sandbox`, { body: {} });
    expect(fresh.body.citizen.id).not.toBe(first.body.citizen.id);
    const mine = await call(`${t.url}/api/v1/cases`, { token: first.body.accessToken });
    expect(mine.status).toBe(200);
    const bad = await call(`${t.url}/api/v1/auth/sandbox`, { body: { openid: 'x y' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/openid');
  });
});
