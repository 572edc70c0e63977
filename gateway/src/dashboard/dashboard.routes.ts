import type { StaffPrincipal } from '../identity';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import { unprocessable } from '../platform/http/unprocessable';
import type { DashboardQuery, DashboardService } from './dashboard.service';

const DashboardQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    days: { type: 'integer', title: '统计天数', minimum: 1, maximum: 365, default: 30 },
    department: {
      type: 'string',
      title: '部门',
      pattern: '^[a-z][a-z0-9-]*$',
      maxLength: 64,
      description: '本人范围内的部门编码（含下级部门）；缺省为本人所在部门，督办人员缺省为全市',
    },
  },
};

const count = { type: 'integer', minimum: 0 };
const rate = { type: ['number', 'null'], minimum: 0, maximum: 1 };

const DashboardView: JsonSchema = {
  type: 'object',
  required: ['scope', 'days', 'generatedAt', 'counts', 'onTimeRate', 'satisfaction', 'trend', 'byService'],
  properties: {
    scope: {
      type: 'object',
      required: ['departmentCode', 'departmentName'],
      properties: { departmentCode: { type: 'string' }, departmentName: { type: 'string' } },
      description: '统计范围：该部门及其下级部门牵头的办件',
    },
    days: { type: 'integer' },
    generatedAt: { type: 'string', format: 'date-time' },
    dueSoonBefore: {
      type: 'string',
      format: 'date-time',
      description: '办理时限在此之前（按工作日计，2 个工作日内）的在办件计为即将到期',
    },
    counts: {
      type: 'object',
      required: ['inProgress', 'dueSoon', 'overdue', 'acceptedInPeriod', 'completedInPeriod'],
      properties: {
        inProgress: { ...count, description: '在办（含待补正）' },
        dueSoon: { ...count, description: '即将到期（计时中，2 个工作日内到期）' },
        overdue: { ...count, description: '已超期（计时中，已过办理时限；补正期间暂停计时）' },
        acceptedInPeriod: { ...count, description: '统计期内受理' },
        completedInPeriod: { ...count, description: '统计期内办结（准予或不予批准）' },
      },
    },
    onTimeRate: { ...rate, description: '统计期内办结且有办理时限的办件中按时办结的比例（0–1）' },
    satisfaction: {
      type: 'object',
      required: ['ratings', 'goodRate', 'average', 'distribution'],
      properties: {
        ratings: count,
        goodRate: { ...rate, description: '3 分（基本满意）及以上的比例' },
        average: { type: ['number', 'null'], minimum: 1, maximum: 5 },
        distribution: {
          type: 'object',
          description: '各分值的评价数，键为 "1"…"5"',
          additionalProperties: count,
        },
      },
    },
    trend: {
      type: 'array',
      description: '每天一项，由远及近，日期按北京时间',
      items: {
        type: 'object',
        required: ['date', 'accepted', 'completed'],
        properties: { date: { type: 'string', format: 'date' }, accepted: count, completed: count },
      },
    },
    byService: {
      type: 'array',
      description: '在办件最多的 10 个事项',
      items: {
        type: 'object',
        required: ['serviceCode', 'serviceName', 'inProgress', 'overdue'],
        properties: {
          serviceCode: { type: 'string' },
          serviceName: { type: 'string' },
          inProgress: count,
          overdue: count,
        },
      },
    },
  },
};

/** 部门看板 for caseworkers and report viewers (`dashboard.read`), over their department's scope. */
export function dashboardRoutes(api: RouteDefiner, dashboard: DashboardService) {
  api.define({
    method: 'get',
    path: '/staff/dashboard',
    operationId: 'staffDashboard',
    summary: '部门看板：在办、即将到期、超期、受理与办结趋势、好差评',
    description: '统计本人所在部门（含下级部门）牵头的办件；days 为统计的天数（含今天，1–365，默认 30）。',
    tags: ['staff'],
    auth: 'staff',
    permission: 'dashboard.read',
    query: DashboardQuerySchema,
    before: [unprocessable()],
    responses: {
      200: { description: '看板数据', schema: DashboardView },
      404: { description: '指定的部门不存在或不在本人范围内' },
      422: { description: 'days 不在 1–365 之间等（validation_failed）' },
    },
    handler: async (ctx) => {
      ctx.body = await dashboard.dashboard(
        (ctx.state.staff as StaffPrincipal).id,
        ctx.state.query as DashboardQuery,
      );
    },
  });
}
