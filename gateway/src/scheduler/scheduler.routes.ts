import type { Context } from 'koa';
import { errors } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import type { Scheduler } from './scheduler';

const NameParams: JsonSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9.-]{1,63}$' } },
};
const nameOf = (ctx: Context) => (ctx.state.params as { name: string }).name;

/** The 系统管理员's view of scheduled jobs: schedules, next fires, runs; and a run-now button. */
export function schedulerRoutes(api: RouteDefiner, scheduler: Scheduler) {
  api.define({
    method: 'get',
    path: '/admin/jobs',
    operationId: 'listJobs',
    summary: '定时任务：计划、下次执行时间、最近一次运行',
    tags: ['admin'],
    auth: 'staff',
    permission: 'jobs.manage',
    responses: { 200: { description: '全部任务', schema: { type: 'object', required: ['items'] } } },
    handler: async (ctx) => {
      ctx.body = { items: await scheduler.list() };
    },
  });
  api.define({
    method: 'get',
    path: '/admin/jobs/:name/runs',
    operationId: 'jobRuns',
    summary: '定时任务的运行记录（开始、结束、结果、数量、错误）',
    tags: ['admin'],
    auth: 'staff',
    permission: 'jobs.manage',
    params: NameParams,
    responses: { 200: { description: '最近 20 次，新的在前' } },
    handler: async (ctx) => {
      const items = await scheduler.history(nameOf(ctx));
      if (!items) throw errors.notFound('job_not_found', '没有这个定时任务');
      ctx.body = { items };
    },
  });
  api.define({
    method: 'post',
    path: '/admin/jobs/:name/run',
    operationId: 'runJob',
    summary: '立即运行定时任务',
    tags: ['admin'],
    auth: 'staff',
    permission: 'jobs.manage',
    params: NameParams,
    responses: { 202: { description: '已开始运行' }, 409: { description: '该任务正在运行' } },
    handler: async (ctx) => {
      const started = await scheduler.trigger(nameOf(ctx));
      if (!started) throw errors.notFound('job_not_found', '没有这个定时任务');
      if (started === 'busy') throw errors.conflict('job_running', '该任务正在运行，请等待本次运行结束');
      ctx.status = 202;
      ctx.body = started;
    },
  });
}
