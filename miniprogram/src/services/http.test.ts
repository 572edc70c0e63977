import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { taroStub } from '../../test/taro-stub';
import { ApiError } from './errors';

const problem = (status: number, extra: Record<string, unknown> = {}) => ({
  status,
  body: { type: 'about:blank', title: '请求内容不符合要求', status, code: 'validation_failed', ...extra },
});

describe('request layer', () => {
  it('sends the bearer token and a fresh X-Request-Id on every call', async () => {
    const { api, calls } = fakeApi({ 'GET /cases': { body: { items: [], nextCursor: null } } });
    api.citizen.save({ accessToken: 'AT1', refreshToken: 'RT1', expiresIn: 900 });
    await api.http.get('/cases');
    await api.http.get('/cases');
    expect(calls[0]!.headers.Authorization).toBe('Bearer AT1');
    expect(calls[0]!.headers['X-Request-Id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[1]!.headers['X-Request-Id']).not.toBe(calls[0]!.headers['X-Request-Id']);
  });

  it('refreshes silently once for concurrent 401s and retries with the new token', async () => {
    let refreshes = 0;
    const { api, calls } = fakeApi({
      'GET /cases': (c) =>
        c.headers.Authorization === 'Bearer AT2' ? { body: { items: [] } } : problem(401),
      'POST /auth/refresh': () => {
        refreshes++;
        return { body: { accessToken: 'AT2', refreshToken: 'RT2', expiresIn: 900 } };
      },
    });
    api.citizen.save({ accessToken: 'AT1', refreshToken: 'RT1', expiresIn: 900 });
    await Promise.all([api.http.get('/cases'), api.http.get('/cases')]);
    expect(refreshes).toBe(1);
    expect(calls.find((c) => c.path === '/auth/refresh')!.body).toEqual({ refreshToken: 'RT1' });
    expect(taroStub.storage.get('gcrm.session.citizen')).toMatchObject({
      accessToken: 'AT2',
      refreshToken: 'RT2',
    });
  });

  it('drops the login and tells listeners when the refresh is refused', async () => {
    const { api } = fakeApi({ 'GET /cases': problem(401), 'POST /auth/refresh': problem(401) });
    api.citizen.save({ accessToken: 'AT1', refreshToken: 'RT1', expiresIn: 900 });
    let lost = 0;
    api.citizen.subscribe(() => lost++);
    await expect(api.http.get('/cases')).rejects.toMatchObject({
      code: 'session_expired',
      message: '登录已过期，请重新登录',
    });
    expect(lost).toBe(1);
    expect(api.citizen.signedIn).toBe(false);
  });

  it('toasts the zh-CN detail of a problem+json answer and keeps field errors by pointer', async () => {
    const { api } = fakeApi({
      'POST /x': problem(400, {
        detail: '共有 1 处字段不符合要求，请修改后重试',
        errors: [
          {
            pointer: '/formData/idNumber',
            code: 'format',
            message: '身份证号码应为有效的18位居民身份证号码',
          },
        ],
      }),
    });
    const err = (await api.http.post('/x', {}).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('共有 1 处字段不符合要求，请修改后重试');
    expect(err.fieldErrors[0]!.pointer).toBe('/formData/idNumber');
    expect(taroStub.toasts).toEqual(['共有 1 处字段不符合要求，请修改后重试']);
  });

  it('falls back to the title, and to a generic text for a bare 5xx; silent calls do not toast', async () => {
    const { api } = fakeApi({ 'GET /a': problem(409), 'GET /b': { status: 502, body: 'Bad Gateway' } });
    await expect(api.http.get('/a')).rejects.toThrow('请求内容不符合要求');
    await expect(api.http.get('/b', undefined, { silent: true })).rejects.toThrow('系统繁忙，请稍后重试');
    expect(taroStub.toasts).toEqual(['请求内容不符合要求']);
  });

  it('turns transport failures into offline / timeout errors in zh-CN', async () => {
    const { api } = fakeApi({
      'GET /slow': new Error('request:fail timeout'),
      'GET /down': new Error('request:fail'),
    });
    await expect(api.http.get('/slow')).rejects.toMatchObject({
      kind: 'timeout',
      message: '网络较慢，请求超时，请稍后重试',
    });
    await expect(api.http.get('/down')).rejects.toMatchObject({
      kind: 'offline',
      message: '网络连接不可用，请检查网络后重试',
    });
  });

  it('does not even try when the platform reports no network', async () => {
    const { api, calls } = fakeApi({ 'GET /x': { body: {} } }, { isOnline: async () => false });
    await expect(api.http.get('/x')).rejects.toMatchObject({ kind: 'offline' });
    expect(calls).toHaveLength(0);
  });

  it('sends Idempotency-Key and retries a lost answer once with the same key', async () => {
    let n = 0;
    const { api, calls } = fakeApi({
      'POST /cases': () => (++n === 1 ? new Error('request:fail') : { status: 201, body: { id: 'c1' } }),
    });
    const res = await api.http.post('/cases', { a: 1 }, { idempotencyKey: 'key-1' });
    expect(res).toEqual({ id: 'c1' });
    expect(calls.map((c) => c.headers['Idempotency-Key'])).toEqual(['key-1', 'key-1']);
  });

  it('uploads through the same layer with auth and progress', async () => {
    const { api, calls } = fakeApi({ 'POST /materials': { status: 201, body: { id: 'm1', name: 'a.pdf' } } });
    api.citizen.save({ accessToken: 'AT1', expiresIn: 900 });
    const seen: number[] = [];
    const r = await api.http.send({
      method: 'POST',
      path: '/materials',
      upload: { filePath: 'blob:1', name: 'file', onProgress: (p) => seen.push(p) },
    });
    expect(r.data).toEqual({ id: 'm1', name: 'a.pdf' });
    expect(calls[0]!.headers.Authorization).toBe('Bearer AT1');
    expect(seen).toEqual([50, 100]);
  });
});
