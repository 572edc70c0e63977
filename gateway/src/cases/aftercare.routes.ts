import type { Context } from 'koa';
import type { CitizenPrincipal } from '../identity';
import type { RouteDefiner } from '../platform/http/route';
import { unprocessable } from '../platform/http/unprocessable';
import type { CaseAftercare, DeliveryInput, RatingInput } from './aftercare';
import {
  ChooseDeliveryBody,
  DELIVERY_MESSAGES,
  DeliveryView,
  RateCaseBody,
  RatingView,
} from './aftercare.schema';
import { CaseIdParams } from './cases.schema';

const citizenOf = (ctx: Context) => (ctx.state.citizen as CitizenPrincipal).id;
const idOf = (ctx: Context) => (ctx.state.params as { id: string }).id;

/** The citizen's case after the application: how the result is delivered (结果领取方式), and 好差评. */
export function aftercareRoutes(api: RouteDefiner, aftercare: CaseAftercare) {
  api.define({
    method: 'put',
    path: '/cases/:id/delivery',
    operationId: 'chooseCaseDelivery',
    summary: '选择或修改结果领取方式',
    description:
      '办结、不予受理或撤回前可选择，可多次修改；可选方式与自取地点见办件详情的 deliveryOptions。' +
      '邮寄地址中的手机号码加密保存，返回时脱敏。',
    tags: ['cases'],
    auth: 'citizen',
    params: CaseIdParams,
    body: ChooseDeliveryBody,
    before: [unprocessable(DELIVERY_MESSAGES)],
    responses: {
      200: { description: '已保存的领取方式', schema: DeliveryView },
      404: { description: '办件不存在（他人的办件同样返回 404）' },
      409: { description: '办件已办结或已撤回（delivery_locked），不能再修改' },
      422: {
        description: '内容不符合要求（validation_failed，errors 中逐项给出 JSON 指针），或该事项不提供此方式',
      },
    },
    handler: async (ctx) => {
      ctx.body = await aftercare.chooseDelivery(citizenOf(ctx), idOf(ctx), ctx.state.body as DeliveryInput, {
        ip: ctx.ip,
        requestId: (ctx.state as { requestId?: string }).requestId ?? null,
      });
    },
  });

  api.define({
    method: 'post',
    path: '/cases/:id/rating',
    operationId: 'rateCase',
    summary: '评价办件（好差评）',
    description:
      '办结后（含不予受理、不予批准）可评价一次：5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意。' +
      '2 分及以下须填写评价内容或选择至少一个标签。',
    tags: ['cases'],
    auth: 'citizen',
    params: CaseIdParams,
    body: RateCaseBody,
    before: [unprocessable()],
    responses: {
      201: { description: '已评价', schema: RatingView },
      404: { description: '办件不存在（他人的办件同样返回 404）' },
      409: { description: '办件尚未办结（case_not_closed），或已评价过（already_rated）' },
      422: { description: '内容不符合要求（validation_failed）；差评未说明原因时指针为 /comment' },
    },
    handler: async (ctx) => {
      ctx.body = await aftercare.rate(citizenOf(ctx), idOf(ctx), ctx.state.body as RatingInput);
      ctx.status = 201;
    },
  });
}
