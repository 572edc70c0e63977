import { platform as h5 } from '../src/platform/index.h5';
import type { Platform } from '../src/platform/types';
import { createApi } from '../src/services/api';
import type { Transport } from '../src/services/http';

export interface Call {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: unknown;
}

type Answer = { status?: number; body?: unknown } | Error;
type Handler = (call: Call) => Answer | Promise<Answer>;

/**
 * A fake gateway: routes are `'GET /cases'`-style keys (path without /api/v1 and query); every call
 * is recorded. Unknown routes answer 404 problem+json.
 */
export function fakeGateway(routes: Record<string, Handler | Answer>) {
  const calls: Call[] = [];
  const answer = async (call: Call) => {
    calls.push(call);
    const route = routes[`${call.method} ${call.path}`];
    const a = typeof route === 'function' ? await route(call) : route;
    if (a === undefined)
      return { statusCode: 404, data: { title: '未找到', status: 404, code: 'not_found' }, header: {} };
    if (a instanceof Error) throw a;
    return { statusCode: a.status ?? 200, data: a.body, header: {} };
  };
  const split = (url: string) => {
    const u = new URL(url);
    return { path: u.pathname.replace(/^\/api\/v1/, ''), query: u.search };
  };
  const transport: Transport = {
    request: (r) => answer({ method: r.method, ...split(r.url), headers: r.header, body: r.data }),
    async upload(r) {
      r.onProgress?.(50);
      const res = await answer({
        method: 'POST',
        ...split(r.url),
        headers: r.header,
        body: { file: r.filePath, ...r.formData },
      });
      r.onProgress?.(100);
      return { statusCode: res.statusCode, data: JSON.stringify(res.data) };
    },
  };
  return { transport, calls };
}

export function fakeApi(routes: Record<string, Handler | Answer>, overrides: Partial<Platform> = {}) {
  const gw = fakeGateway(routes);
  const platform: Platform = { ...h5, isOnline: async () => true, ...overrides };
  const api = createApi({ baseUrl: 'http://gateway.test', transport: gw.transport, platform });
  return { api, calls: gw.calls };
}
