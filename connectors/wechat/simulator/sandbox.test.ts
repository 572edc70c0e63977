import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './server';
import { createWechatSimulator, type WechatSimulator } from './simulator';
import { APP, exchange, getJson, postJson } from './testing';

let sim: WechatSimulator;
let base: string;

beforeEach(async () => {
  sim = createWechatSimulator(APP);
  base = await sim.listen(0);
});
afterEach(() => sim.close());

describe('sandbox endpoints', () => {
  it('mints login codes over HTTP', async () => {
    const minted = await postJson(base, '/__sandbox/login-code', { openid: 'o-h', unionid: 'u-h' });
    expect(minted.body.expires_in).toBe(300);
    const { body } = await exchange(base, minted.body.code as string);
    expect(body).toMatchObject({ openid: 'o-h', unionid: 'u-h' });
  });

  it('advances the clock over HTTP', async () => {
    const code = sim.mintLoginCode('o-c');
    expect((await postJson(base, '/__sandbox/clock', { advanceSeconds: 301 })).status).toBe(200);
    expect((await exchange(base, code)).body.errcode).toBe(40029);
  });

  it('injects errcode faults for the next `times` calls, then recovers; DELETE clears them', async () => {
    await postJson(base, '/__sandbox/faults', { path: '/sns/jscode2session', errcode: -1, times: 2 });
    const code = sim.mintLoginCode('o-f');
    expect((await exchange(base, code)).body.errcode).toBe(-1);
    expect((await exchange(base, code)).body.errcode).toBe(-1);
    expect((await exchange(base, code)).body.openid).toBe('o-f');

    await postJson(base, '/__sandbox/faults', { path: '/cgi-bin/getcallbackip', errcode: 45009, times: 5 });
    expect((await getJson(base, '/cgi-bin/getcallbackip')).body.errcode).toBe(45009);
    const cleared = await fetch(new URL('/__sandbox/faults', base), { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect((await getJson(base, '/cgi-bin/getcallbackip')).body.errcode).toBe(41001);
  });

  it('drop destroys the socket without an answer', async () => {
    sim.setFault({ path: '/cgi-bin/token', drop: true });
    await expect(fetch(new URL('/cgi-bin/token', base))).rejects.toThrow();
    expect((await getJson(base, '/cgi-bin/token')).body.errcode).toBe(40013);
  });

  it('rejects bad fault, clock and login-code bodies with 400', async () => {
    expect((await postJson(base, '/__sandbox/faults', { path: 'no-slash', errcode: 1 })).status).toBe(400);
    expect((await postJson(base, '/__sandbox/faults', { path: '/x' })).status).toBe(400);
    expect((await postJson(base, '/__sandbox/faults', { path: '/x', drop: true, times: 0 })).status).toBe(
      400,
    );
    expect((await postJson(base, '/__sandbox/clock', { advanceSeconds: -5 })).status).toBe(400);
    expect((await postJson(base, '/__sandbox/login-code', { openid: 42 })).status).toBe(400);
  });
});

describe('HTTP edges', () => {
  it('answers 404 for unknown paths and wrong methods', async () => {
    expect((await getJson(base, '/cgi-bin/nope')).status).toBe(404);
    expect((await getJson(base, '/cgi-bin/stable_token')).status).toBe(404);
    expect(sim.stats().byPath['(unknown)']).toBe(1);
  });

  it('answers 400 for malformed JSON and for bodies over 64 KiB', async () => {
    expect((await postJson(base, '/cgi-bin/stable_token', '{"appid":')).status).toBe(400);
    expect((await postJson(base, '/cgi-bin/stable_token', '')).status).toBe(400);
    const big = JSON.stringify({ appid: APP.appId, pad: 'x'.repeat(MAX_BODY_BYTES) });
    expect((await postJson(base, '/cgi-bin/stable_token', big)).status).toBe(400);
  });

  it('answers 400 for a request target that is not a valid URL', async () => {
    const { port } = new URL(base);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '//', method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect([400, 404]).toContain(status);
  });

  it('counts requests per path', async () => {
    await exchange(base, 'x');
    await exchange(base, 'y');
    expect(sim.stats()).toMatchObject({ total: 2, byPath: { '/sns/jscode2session': 2 } });
  });
});
