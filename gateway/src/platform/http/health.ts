import { errors } from '../errors';
import { problemBody } from './error-handler';
import type { RouteDefiner } from './route';

const HealthView = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, checks: { type: 'object' } },
};

/** /healthz: the process answers. /readyz: it can do work — database and cache reachable within a second. */
export function healthRoutes(api: RouteDefiner, checks: Record<string, () => Promise<void>>) {
  api.define({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: '存活检查',
    tags: ['ops'],
    auth: 'none',
    responses: { 200: { description: '进程在运行', schema: HealthView } },
    handler: async (ctx) => {
      ctx.body = { status: 'ok' };
    },
  });
  api.define({
    method: 'get',
    path: '/readyz',
    operationId: 'ready',
    summary: '就绪检查',
    tags: ['ops'],
    auth: 'none',
    responses: {
      200: { description: '数据库与缓存可用', schema: HealthView },
      503: { description: '数据库或缓存不可用' },
    },
    handler: async (ctx) => {
      const results: Record<string, 'ok' | 'down'> = {};
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout')), 1000);
          });
          try {
            await Promise.race([check(), timeout]);
            results[name] = 'ok';
          } catch {
            results[name] = 'down';
          } finally {
            clearTimeout(timer);
          }
        }),
      );
      const down = Object.entries(results).filter(([, v]) => v === 'down');
      if (down.length > 0) {
        const error = errors.unavailable('not_ready', `依赖不可用：${down.map(([k]) => k).join('、')}`, 5);
        ctx.status = error.status;
        for (const [name, value] of Object.entries(error.headers ?? {})) ctx.set(name, value);
        ctx.type = 'application/problem+json; charset=utf-8';
        ctx.body = { ...problemBody(error, ctx), checks: results };
        return;
      }
      ctx.body = { status: 'ok', checks: results };
    },
  });
}
