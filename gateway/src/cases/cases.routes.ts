import type { CitizenPrincipal } from '../identity';
import type { RouteDefiner } from '../platform/http/route';
import {
  CaseIdParams,
  CaseListView,
  CaseView,
  IdempotencyKeyHeader,
  ListCasesQuery,
  SubmitCaseBody,
} from './cases.schema';
import type { CasesService, SubmitCaseInput } from './cases.service';

export function casesRoutes(api: RouteDefiner, cases: CasesService) {
  api.define({
    method: 'post',
    path: '/cases',
    operationId: 'submitCase',
    summary: '提交办件申请',
    description: '需要市民登录和 Idempotency-Key。申请、时间线和待发送消息在同一事务中写入。',
    tags: ['cases'],
    auth: 'citizen',
    headers: [IdempotencyKeyHeader],
    body: SubmitCaseBody,
    responses: {
      201: {
        description: '已提交（重放时带 Idempotent-Replayed: true）',
        schema: CaseView,
        headers: { Location: '办件地址', 'Idempotent-Replayed': '重放首次结果时为 true' },
      },
      409: { description: '同一 Idempotency-Key 用于了不同内容' },
    },
    handler: async (ctx) => {
      // Declared in `headers`: present and well-formed by now.
      const key = ctx.get('Idempotency-Key');
      const citizen = ctx.state.citizen as CitizenPrincipal;
      const result = await cases.submit(citizen.id, key, ctx.state.body as SubmitCaseInput);
      ctx.status = result.status;
      ctx.body = result.json;
      ctx.type = 'application/json; charset=utf-8';
      ctx.set('Location', `/api/v1/cases/${result.caseId}`);
      if (result.replayed) ctx.set('Idempotent-Replayed', 'true');
    },
  });

  api.define({
    method: 'get',
    path: '/cases',
    operationId: 'listMyCases',
    summary: '我的办件',
    tags: ['cases'],
    auth: 'citizen',
    query: ListCasesQuery,
    responses: { 200: { description: '按提交时间倒序，游标分页', schema: CaseListView } },
    handler: async (ctx) => {
      ctx.body = await cases.list(
        (ctx.state.citizen as CitizenPrincipal).id,
        ctx.state.query as { limit?: number; cursor?: string; status?: string },
      );
    },
  });

  api.define({
    method: 'get',
    path: '/cases/:id',
    operationId: 'getMyCase',
    summary: '办件详情',
    tags: ['cases'],
    auth: 'citizen',
    params: CaseIdParams,
    responses: { 200: { description: '办件、表单（已脱敏）与时间线', schema: CaseView } },
    handler: async (ctx) => {
      ctx.body = await cases.get(
        (ctx.state.citizen as CitizenPrincipal).id,
        (ctx.state.params as { id: string }).id,
      );
    },
  });
}
