import type { Context } from 'koa';
import type { CasesService } from '../cases';
import type { CitizenPrincipal } from '../identity/authenticate';
import type { Db } from '../platform/db/database';
import { errors } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';
import {
  publishRuleSet,
  type RuleSet,
  type RuleSetRepository,
  saveDraft,
  simulateImpact,
  validateRuleSet,
} from '../rules';
import type { PolicyService } from './policies.service';

const citizenOf = (ctx: Context) => (ctx.state.citizen as CitizenPrincipal).id;
const adminOf = (ctx: Context) => (ctx.state.admin as { id: string }).id;

const ServiceCodeParams: JsonSchema = {
  type: 'object',
  required: ['serviceCode'],
  properties: {
    serviceCode: { type: 'string', pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$', maxLength: 64 },
  },
};

const RuleSetParams: JsonSchema = {
  type: 'object',
  required: ['code', 'version'],
  properties: {
    code: { type: 'string', pattern: '^[a-z][a-z0-9.-]{0,63}$' },
    version: { type: 'integer', minimum: 1, maximum: 100000 },
  },
};

const PreReviewBody: JsonSchema = {
  type: 'object',
  title: '智能预审',
  additionalProperties: false,
  required: ['formData'],
  properties: { formData: { type: 'object', title: '表单数据' } },
};

const Verdict: JsonSchema = {
  type: 'object',
  required: ['eligible', 'explanation', 'reasons', 'missing'],
  properties: {
    eligible: { type: ['boolean', 'null'] },
    explanation: { type: 'string' },
    reasons: { type: 'array', items: { type: 'string' } },
    missing: { type: 'array', items: { type: 'string' } },
  },
};

const ImpactBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    against: { type: 'integer', minimum: 1, description: '与之比较的已发布版本；默认最新已发布版本' },
    today: { type: 'string', format: 'date', description: '按哪一天计算年龄等（默认今天）' },
    sampleSize: { type: 'integer', minimum: 0, maximum: 100 },
  },
};

/** 政策找人 for citizens: `listMyPolicies`, `getServiceEligibility`, `preReviewApplication`. */
export function policyRoutes(api: RouteDefiner, policies: PolicyService, cases: CasesService) {
  api.define({
    method: 'get',
    path: '/me/policies',
    operationId: 'listMyPolicies',
    summary: '我可享受的政策（附判断理由）',
    description:
      '按本人档案判断每项政策是否符合：符合的列出已满足的条件，不符合的列出“还差”什么（如 还差：社保缴费满15年，当前12年）。未实名认证时 bound 为 false。',
    tags: ['policies'],
    auth: 'citizen',
    responses: {
      200: {
        description: '政策列表，符合的在前',
        schema: {
          type: 'object',
          required: ['bound', 'items'],
          properties: { bound: { type: 'boolean' }, items: { type: 'array', items: Verdict } },
        },
      },
    },
    handler: async (ctx) => {
      ctx.body = await policies.forCitizen(citizenOf(ctx));
    },
  });

  api.define({
    method: 'get',
    path: '/me/recommendations',
    operationId: 'listMyRecommendations',
    summary: '为您推荐（按本人档案）',
    description: '推荐规则按本人档案选出的事项及推荐理由；未实名认证时为空。',
    tags: ['policies'],
    auth: 'citizen',
    responses: {
      200: {
        description: '推荐的事项',
        schema: {
          type: 'object',
          required: ['items'],
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                required: ['serviceCode', 'serviceName', 'reason'],
                properties: {
                  serviceCode: { type: 'string' },
                  serviceName: { type: 'string' },
                  reason: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    handler: async (ctx) => {
      ctx.body = { items: await policies.recommend(citizenOf(ctx)) };
    },
  });

  api.define({
    method: 'get',
    path: '/services/:serviceCode/eligibility',
    operationId: 'getServiceEligibility',
    summary: '我是否符合本事项的申请条件',
    description: 'eligible 为 null 表示本事项没有可自动判断的规则，或尚未实名认证（explanation 说明原因）。',
    tags: ['policies'],
    auth: 'citizen',
    params: ServiceCodeParams,
    responses: { 200: { description: '判断结果与理由', schema: Verdict } },
    handler: async (ctx) => {
      ctx.body = await policies.forService(
        citizenOf(ctx),
        (ctx.params as { serviceCode: string }).serviceCode,
      );
    },
  });

  api.define({
    method: 'post',
    path: '/services/:serviceCode/pre-review',
    operationId: 'preReviewApplication',
    summary: '智能预审：提交前检查申请表和材料',
    description:
      '返回逐项修改提示（pointer 指向表单字段，material 指向材料）。blocking 为 true 的提示不改正则无法提交（提交时返回 422 pre_review_failed）；其余为提醒。',
    tags: ['policies'],
    auth: 'citizen',
    params: ServiceCodeParams,
    body: PreReviewBody,
    responses: {
      200: {
        description: '预审结果',
        schema: {
          type: 'object',
          required: ['passed', 'hints'],
          properties: { passed: { type: 'boolean' }, hints: { type: 'array', items: { type: 'object' } } },
        },
      },
      404: { description: 'service_not_found' },
    },
    handler: async (ctx) => {
      const { formData } = ctx.state.body as { formData: Record<string, unknown> };
      ctx.body = await cases.preReview(
        citizenOf(ctx),
        (ctx.params as { serviceCode: string }).serviceCode,
        formData,
      );
    },
  });
}

/** Rule sets for administrators: list, read, save a draft, publish (tests must pass), impact simulation. */
export function ruleAdminRoutes(api: RouteDefiner, db: Db, repo: RuleSetRepository, policies: PolicyService) {
  const versionOf = (ctx: Context) => {
    const p = ctx.params as { code: string; version: string };
    return { code: p.code, version: Number(p.version) };
  };
  const found = async (code: string, version: number) => {
    const stored = await repo.get(code, version);
    if (!stored) throw errors.notFound('rule_set_not_found', `规则集 ${code} 第 ${version} 版不存在`);
    return stored;
  };

  api.define({
    method: 'get',
    path: '/admin/rule-sets',
    operationId: 'listRuleSets',
    summary: '规则集及其版本',
    tags: ['rules'],
    auth: 'admin',
    permission: 'rules.publish',
    responses: {
      200: { description: '各规则集的版本（新版本在前）', schema: { type: 'object', required: ['items'] } },
    },
    handler: async (ctx) => {
      ctx.body = { items: await repo.list() };
    },
  });

  api.define({
    method: 'get',
    path: '/admin/rule-sets/:code/versions/:version',
    operationId: 'getRuleSetVersion',
    summary: '规则集的一个版本',
    tags: ['rules'],
    auth: 'admin',
    permission: 'rules.publish',
    params: RuleSetParams,
    responses: {
      200: { description: '规则集', schema: { type: 'object', required: ['ruleSet'] } },
      404: { description: 'rule_set_not_found' },
    },
    handler: async (ctx) => {
      const { code, version } = versionOf(ctx);
      ctx.body = await found(code, version);
    },
  });

  api.define({
    method: 'put',
    path: '/admin/rule-sets/:code/versions/:version',
    operationId: 'saveRuleSetDraft',
    summary: '保存规则集草稿（已发布版本不可修改）',
    tags: ['rules'],
    auth: 'admin',
    permission: 'rules.publish',
    params: RuleSetParams,
    body: { type: 'object', title: '规则集', required: ['code', 'kind', 'version', 'rules'] },
    responses: {
      200: { description: '已保存', schema: { type: 'object' } },
      400: { description: '规则集无效（逐项指明位置）' },
      409: { description: 'rule_set_published：该版本已发布' },
    },
    handler: async (ctx) => {
      const { code, version } = versionOf(ctx);
      const ruleSet = ctx.state.body as RuleSet;
      if (ruleSet.code !== code || ruleSet.version !== version)
        throw errors.validation([
          { pointer: '/code', code: 'path_mismatch', message: '规则集编码和版本须与地址一致' },
        ]);
      await saveDraft(repo, ruleSet, Date.now());
      ctx.body = await found(code, version);
    },
  });

  api.define({
    method: 'post',
    path: '/admin/rule-sets/:code/versions/:version/publish',
    operationId: 'publishRuleSetVersion',
    summary: '发布规则集版本（附带的测试全部通过才能发布）',
    tags: ['rules'],
    auth: 'admin',
    permission: 'rules.publish',
    params: RuleSetParams,
    responses: {
      200: { description: '已发布', schema: { type: 'object' } },
      409: { description: 'rule_set_published' },
      422: { description: 'rule_tests_failed：列出未通过的测试' },
    },
    handler: async (ctx) => {
      const { code, version } = versionOf(ctx);
      ctx.body = await publishRuleSet(repo, code, version, adminOf(ctx), Date.now());
      await policies.reload();
    },
  });

  api.define({
    method: 'post',
    path: '/admin/rule-sets/:code/versions/:version/impact',
    operationId: 'simulateRuleSetImpact',
    summary: '发布影响模拟：新旧版本在全体档案上的差异',
    description:
      '在档案库中分别按本版本和已发布版本判断全体人员，报告新增符合（gained）和不再符合（lost）的人数与样本（脱敏的人员标识）。',
    tags: ['rules'],
    auth: 'admin',
    permission: 'rules.publish',
    params: RuleSetParams,
    body: ImpactBody,
    responses: {
      200: {
        description: '影响报告',
        schema: { type: 'object', required: ['population', 'gained', 'lost'] },
      },
    },
    handler: async (ctx) => {
      const { code, version } = versionOf(ctx);
      const body = (ctx.state.body ?? {}) as { against?: number; today?: string; sampleSize?: number };
      const next = (await found(code, version)).ruleSet;
      const problems = validateRuleSet(next);
      if (problems.length > 0) throw errors.validation(problems);
      const current = body.against
        ? (await found(code, body.against)).ruleSet
        : (await repo.latestPublished(code))?.ruleSet;
      if (!current)
        throw errors.notFound('rule_set_not_published', `规则集 ${code} 还没有已发布的版本可以比较`);
      const now = body.today ? new Date(`${body.today}T12:00:00+08:00`) : new Date();
      const report = await simulateImpact(db, current, next, { now, sampleSize: body.sampleSize ?? 10 });
      ctx.body = {
        code,
        version,
        against: current.version,
        today: now.toISOString().slice(0, 10),
        ...report,
      };
    },
  });
}
