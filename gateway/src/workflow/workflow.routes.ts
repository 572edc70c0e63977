import type { FlowDefinition } from '@gcrm/config/catalog';
import type { Context } from 'koa';
import { auditBeforeDisclosure } from '../audit';
import type { CitizenPrincipal, StaffPrincipal } from '../identity';
import type { JsonSchema, RouteDefiner, RouteSpec } from '../platform/http/route';
import type { FlowMigrator } from './flow-migration';
import type { FlowStore } from './flow-store';
import {
  AddApproverBody,
  ApproveBody,
  AutomaticResultBody,
  CaseIdParams,
  CcBody,
  CommentBody,
  CorrectionBody,
  FlowIdParams,
  MigrateBody,
  OptionalCommentBody,
  PublishFlowsBody,
  RejectBody,
  ReturnBody,
  TaskIdParams,
  TaskView,
  TransferBody,
  WithdrawBody,
  WorklistQuery,
} from './workflow.schema';
import type { WorkflowService } from './workflow.service';

const staffOf = (ctx: Context) => (ctx.state.staff as StaffPrincipal).id;
const citizenOf = (ctx: Context) => (ctx.state.citizen as CitizenPrincipal).id;
const idOf = (ctx: Context) => (ctx.state.params as { id: string }).id;
// biome-ignore lint/suspicious/noExplicitAny: bodies are validated by the route's schema before this runs.
const bodyOf = (ctx: Context) => ctx.state.body as any;

/** Staff worklists and task operations (待办 / 已办 / 抄送我, 签收, 同意, 退回, 转交, 加签 …). */
export function staffRoutes(api: RouteDefiner, workflow: WorkflowService) {
  api.define({
    method: 'get',
    path: '/staff/me',
    operationId: 'staffMe',
    summary: '当前工作人员：部门、角色与待办数',
    tags: ['staff'],
    auth: 'staff',
    responses: { 200: { description: '工作人员信息' } },
    handler: async (ctx) => {
      ctx.body = await workflow.me(staffOf(ctx));
    },
  });

  api.define({
    method: 'get',
    path: '/staff/tasks',
    operationId: 'staffWorklist',
    summary: '待办 / 已办 / 抄送我 / 本部门在办',
    description: '按创建时间倒序，游标分页；可按事项、办件编号、是否超期筛选。',
    tags: ['staff'],
    auth: 'staff',
    permission: 'tasks.work',
    query: WorklistQuery,
    responses: { 200: { description: '任务列表' } },
    handler: async (ctx) => {
      ctx.body = await workflow.worklist(staffOf(ctx), ctx.state.query);
    },
  });

  api.define({
    method: 'get',
    path: '/staff/tasks/:id',
    operationId: 'staffTask',
    summary: '任务详情：办件、表单（按其版本）、流转记录与当前可执行的操作',
    tags: ['staff'],
    auth: 'staff',
    permission: 'tasks.work',
    params: TaskIdParams,
    responses: { 200: { description: '任务详情' }, 404: { description: '任务不存在或不在本人权限范围内' } },
    handler: async (ctx) => {
      ctx.body = await workflow.task(staffOf(ctx), idOf(ctx));
    },
  });

  const action = (
    path: string,
    operationId: string,
    summary: string,
    body: RouteSpec['body'],
    run: (staffId: string, taskId: string, body: ReturnType<typeof bodyOf>) => Promise<unknown>,
    permission = 'tasks.work',
  ) =>
    api.define({
      method: 'post',
      path: `/staff/tasks/:id/${path}`,
      operationId,
      summary,
      tags: ['staff'],
      auth: 'staff',
      permission,
      params: TaskIdParams,
      body,
      responses: {
        200: { description: '操作后的任务', schema: TaskView },
        404: { description: '任务不存在或不在本人权限范围内' },
        409: { description: '任务已被他人处理、已撤销，或该环节不允许此操作' },
      },
      handler: async (ctx) => {
        ctx.body = await run(staffOf(ctx), idOf(ctx), bodyOf(ctx) ?? {});
      },
    });

  action('claim', 'claimTask', '签收（认领）组任务', undefined, (s, t) => workflow.claim(s, t));
  action('approve', 'approveTask', '同意', ApproveBody, (s, t, b) => workflow.approve(s, t, b));
  action('reject', 'rejectTask', '不同意（按节点配置结束或退回）', RejectBody, (s, t, b) =>
    workflow.reject(s, t, b),
  );
  action('return', 'returnTask', '退回到前序节点或申请人', ReturnBody, (s, t, b) =>
    workflow.sendBack(s, t, b),
  );
  action('transfer', 'transferTask', '转交给本部门同事', TransferBody, (s, t, b) =>
    workflow.transfer(s, t, b),
  );
  action('add-approver', 'addApprover', '加签（前加签 / 后加签 / 并加签）', AddApproverBody, (s, t, b) =>
    workflow.addApprovers(s, t, b),
  );
  action('cc', 'ccTask', '抄送', CcBody, (s, t, b) => workflow.carbonCopy(s, t, b));
  action('comment', 'commentTask', '评论', CommentBody, (s, t, b) => workflow.comment(s, t, b));
  action('read', 'readCc', '抄送已阅', undefined, (s, t) => workflow.markRead(s, t));
  action(
    'reassign',
    'reassignTask',
    '改派（督办人员）',
    TransferBody,
    (s, t, b) => workflow.reassign(s, t, b),
    'cases.supervise',
  );

  api.define({
    method: 'get',
    path: '/staff/cases/:id',
    operationId: 'staffCase',
    summary: '办件详情（本部门范围内）',
    tags: ['staff'],
    auth: 'staff',
    permission: 'cases.read',
    params: CaseIdParams,
    responses: {
      200: { description: '办件、流转记录与当前环节' },
      404: { description: '不存在或不在本人权限范围内' },
    },
    handler: async (ctx) => {
      ctx.body = await workflow.caseView(staffOf(ctx), idOf(ctx));
    },
  });

  api.define({
    method: 'post',
    path: '/staff/cases/:id/urge',
    operationId: 'staffUrge',
    summary: '催办（每个任务每小时至多一次）',
    tags: ['staff'],
    auth: 'staff',
    permission: 'cases.urge',
    params: CaseIdParams,
    body: OptionalCommentBody,
    responses: { 204: { description: '已催办' }, 429: { description: '一小时内已催办过' } },
    handler: async (ctx) => {
      await workflow.urgeByStaff(staffOf(ctx), idOf(ctx), bodyOf(ctx));
      ctx.status = 204;
    },
  });

  api.define({
    method: 'post',
    path: '/staff/cases/:id/supervise',
    operationId: 'superviseCase',
    summary: '督办（督办人员）',
    tags: ['staff'],
    auth: 'staff',
    permission: 'cases.supervise',
    params: CaseIdParams,
    body: OptionalCommentBody,
    responses: { 204: { description: '已督办' }, 403: { description: '不是督办人员' } },
    handler: async (ctx) => {
      await workflow.supervise(staffOf(ctx), idOf(ctx), bodyOf(ctx));
      ctx.status = 204;
    },
  });
}

const RevealBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['field', 'purpose'],
  properties: {
    field: {
      type: 'string',
      title: '字段',
      description:
        '表单中的身份证号、手机号字段名；或邮寄地址的 delivery.phone（收件人手机号）、delivery.detail（详细地址）',
      pattern: '^([A-Za-z][A-Za-z0-9_]{0,63}|delivery\\.(phone|detail))$',
    },
    purpose: { type: 'string', title: '查看目的', minLength: 4, maxLength: 200 },
  },
};

/**
 * 查看个人信息原文: the full ID or phone number of a case for a staff member whose role allows it, for a
 * stated purpose. The audit row (who, which case and field, why — never the value) is written before
 * the value is read; if it cannot be written, nothing is revealed.
 */
export function revealRoutes(
  api: RouteDefiner,
  workflow: WorkflowService,
  audit: {
    append(
      entry: Record<string, unknown> & {
        actorType: string;
        actorId: string | null;
        action: string;
        result: 'success';
      },
    ): Promise<unknown>;
  },
) {
  api.define({
    method: 'post',
    path: '/staff/cases/:id/reveal',
    operationId: 'revealCasePii',
    summary: '查看办件中身份证号、手机号的原文（需说明目的，留审计记录）',
    tags: ['staff'],
    auth: 'staff',
    permission: 'pii.reveal',
    params: CaseIdParams,
    body: RevealBody,
    responses: { 200: { description: '字段原文' }, 404: { description: '不存在或不在本人权限范围内' } },
    handler: async (ctx) => {
      const { field, purpose } = bodyOf(ctx) as { field: string; purpose: string };
      const caseId = idOf(ctx);
      ctx.body = await workflow.revealCasePii(staffOf(ctx), caseId, field, () =>
        auditBeforeDisclosure(
          audit,
          ctx,
          { action: 'pii.reveal', caseId, details: { field, purpose } },
          READ_REFUSED,
        ),
      );
    },
  });
}

const SearchBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'value', 'purpose'],
  properties: {
    kind: { type: 'string', enum: ['id-number', 'phone'], description: 'id-number 身份证号 · phone 手机号' },
    value: { type: 'string', minLength: 7, maxLength: 32 },
    purpose: { type: 'string', title: '查询目的', minLength: 4, maxLength: 200 },
  },
};

/**
 * 按身份证号、手机号查办件: exact match through the blind index, within the staff member's scope; the
 * search (who, which kind of number, why — never the number) is on the audit record before it runs.
 * A POST, so that the number never appears in a URL or an access log.
 */
export function searchRoutes(
  api: RouteDefiner,
  workflow: WorkflowService,
  audit: Parameters<typeof revealRoutes>[2],
) {
  api.define({
    method: 'post',
    path: '/staff/cases/search',
    operationId: 'searchCasesByNumber',
    summary: '按身份证号或手机号查找本部门范围内的办件（需说明目的，留审计记录）',
    tags: ['staff'],
    auth: 'staff',
    permission: 'cases.read',
    body: SearchBody,
    responses: { 200: { description: '办件列表（不含号码本身）' } },
    handler: async (ctx) => {
      const { kind, value, purpose } = bodyOf(ctx) as {
        kind: 'id-number' | 'phone';
        value: string;
        purpose: string;
      };
      ctx.body = await workflow.searchCases(staffOf(ctx), kind, value, () =>
        auditBeforeDisclosure(
          audit,
          ctx,
          { action: 'pii.search', caseId: null, details: { kind, purpose } },
          READ_REFUSED,
        ),
      );
    },
  });
}

/** Completes 「审计日志暂时无法写入，…，请稍后重试」 for reveals and searches. */
const READ_REFUSED = '不能查看或查询个人信息';

/** The applicant's operations on the workflow of their case. */
export function citizenWorkflowRoutes(api: RouteDefiner, workflow: WorkflowService) {
  api.define({
    method: 'get',
    path: '/cases/:id/progress',
    operationId: 'caseProgress',
    summary: '办理进度：当前在哪个部门、哪个环节，是否需要补正，能否撤回',
    tags: ['cases'],
    auth: 'citizen',
    params: CaseIdParams,
    responses: { 200: { description: '进度' }, 404: { description: '办件不存在' } },
    handler: async (ctx) => {
      const progress = await workflow.citizenProgress(citizenOf(ctx), idOf(ctx));
      if (!progress) ctx.throw(404);
      ctx.body = progress;
    },
  });

  api.define({
    method: 'post',
    path: '/cases/:id/withdraw',
    operationId: 'withdrawCase',
    summary: '撤回申请（受理前）',
    tags: ['cases'],
    auth: 'citizen',
    params: CaseIdParams,
    body: WithdrawBody,
    responses: { 204: { description: '已撤回' }, 409: { description: '已受理或已办结，不能撤回' } },
    handler: async (ctx) => {
      await workflow.withdraw(citizenOf(ctx), idOf(ctx), bodyOf(ctx).reason ?? null);
      ctx.status = 204;
    },
  });

  api.define({
    method: 'put',
    path: '/cases/:id/correction',
    operationId: 'supplyCorrection',
    summary: '提交补正',
    description: '办件被退回补正时，提交修改后的完整表单；按该办件的表单版本校验，通过后流程继续。',
    tags: ['cases'],
    auth: 'citizen',
    params: CaseIdParams,
    body: CorrectionBody,
    responses: { 204: { description: '已提交补正' }, 409: { description: '该办件当前不需要补正' } },
    handler: async (ctx) => {
      await workflow.supplyCorrection(citizenOf(ctx), idOf(ctx), bodyOf(ctx).formData);
      ctx.status = 204;
    },
  });

  api.define({
    method: 'post',
    path: '/cases/:id/urge',
    operationId: 'citizenUrge',
    summary: '催办（每个环节每小时至多一次）',
    tags: ['cases'],
    auth: 'citizen',
    params: CaseIdParams,
    responses: { 204: { description: '已催办' }, 429: { description: '一小时内已催办过' } },
    handler: async (ctx) => {
      await workflow.urgeByCitizen(citizenOf(ctx), idOf(ctx));
      ctx.status = 204;
    },
  });
}

/** Flow administration: publish versions, list them, migrate running cases; outside systems' results. */
export function flowAdminRoutes(
  api: RouteDefiner,
  flows: FlowStore,
  migrator: FlowMigrator,
  workflow: WorkflowService,
) {
  api.define({
    method: 'post',
    path: '/admin/flows/publish',
    operationId: 'publishFlows',
    summary: '发布流程版本（已发布版本不可修改）',
    tags: ['admin'],
    auth: 'admin',
    permission: 'flows.publish',
    body: PublishFlowsBody,
    responses: { 200: { description: '发布结果' }, 422: { description: '未通过发布检查，未做任何修改' } },
    handler: async (ctx) => {
      ctx.body = await flows.publish(bodyOf(ctx).flows as FlowDefinition[], 'admin-api');
    },
  });

  api.define({
    method: 'get',
    path: '/admin/flows/:id/versions',
    operationId: 'flowVersions',
    summary: '流程的已发布版本',
    tags: ['admin'],
    auth: 'admin',
    permission: 'flows.publish',
    params: FlowIdParams,
    responses: { 200: { description: '版本列表' } },
    handler: async (ctx) => {
      ctx.body = { versions: await flows.versions(idOf(ctx)) };
    },
  });

  api.define({
    method: 'post',
    path: '/admin/flows/:id/migrate',
    operationId: 'migrateFlowInstances',
    summary: '将运行中的办件迁移到新流程版本',
    description:
      '按节点映射（nodeMap 或同名节点）迁移；无法映射的办件留在原版本并列出原因。dryRun 只出报告。',
    tags: ['admin'],
    auth: 'admin',
    permission: 'flows.publish',
    params: FlowIdParams,
    body: MigrateBody,
    responses: { 200: { description: '迁移报告' } },
    handler: async (ctx) => {
      const body = bodyOf(ctx);
      ctx.body = await migrator.migrate(idOf(ctx), body.fromVersion, body.toVersion, {
        dryRun: body.dryRun === true,
      });
    },
  });

  api.define({
    method: 'post',
    path: '/admin/workflow/nodes/:id/result',
    operationId: 'automaticResult',
    summary: '外部系统（部门 OA）回报自动环节的办理结果',
    tags: ['admin'],
    auth: 'admin',
    permission: 'workflow.integrate',
    params: TaskIdParams,
    body: AutomaticResultBody,
    responses: { 204: { description: '已记录，流程继续' }, 409: { description: '该环节不在等待外部结果' } },
    handler: async (ctx) => {
      const body = bodyOf(ctx);
      await workflow.automaticResult(idOf(ctx), body.outcome, body.note ?? null);
      ctx.status = 204;
    },
  });
}
