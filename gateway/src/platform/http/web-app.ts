import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { send } from '@koa/send';
import type { Middleware } from 'koa';
import compress from 'koa-compress';

const OWN_PREFIXES = ['/api/', '/callbacks/', '/healthz', '/readyz'];
const TASK_LINK = /^\/staff\/tasks\/([0-9a-f-]{36})\/?$/;
const HASHED = /^\/(js|css|static)\//;

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>G-CRM 政务服务</title></head>
<body style="font-family:sans-serif;padding:24px;line-height:1.6">
<h1>网关已运行，H5 应用尚未构建</h1>
<p>请在项目目录运行 <code>npm run build:mp</code>，然后刷新本页。接口文档见 <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>。</p>
</body></html>`;

/**
 * Serves the built H5 app (citizen and staff pages) beside the API, so that one URL opens everything:
 * static files from `dir` (hashed scripts and styles cached for a year, `index.html` never), and the
 * deep links DingTalk todos and WeCom cards carry (`/staff/tasks/{id}`) redirected into the app's hash
 * route. Paths the gateway owns (`/api`, `/callbacks`, health) go on to `next`. Without a build, `/`
 * says how to make one.
 */
export function webApp(dir: string): Middleware {
  // Only the app's files are compressed: API answers carry tokens next to reflected input (BREACH).
  const gzip = compress({ threshold: 1024, br: false });
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || OWN_PREFIXES.some((p) => ctx.path.startsWith(p)))
      return next();
    const task = TASK_LINK.exec(ctx.path);
    if (task) {
      ctx.redirect(`/#/staff/task/index?id=${task[1]}`);
      return;
    }
    if (!existsSync(join(dir, 'index.html'))) {
      if (ctx.path !== '/') return next();
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = NOT_BUILT;
      return;
    }
    const immutable = HASHED.test(ctx.path);
    let served: string | undefined;
    await gzip(ctx, async () => {
      try {
        served = await send(ctx, ctx.path, { root: dir, index: 'index.html' });
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
      }
    });
    if (!served) return next();
    ctx.set('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  };
}
