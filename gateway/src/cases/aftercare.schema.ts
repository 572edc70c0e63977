import type { JsonSchema } from '../platform/http/route';

export const DELIVERY_METHODS = ['mail', 'pickup', 'elicence'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

const whenMethod = (method: DeliveryMethod, then: JsonSchema): JsonSchema => ({
  if: { properties: { method: { const: method } }, required: ['method'] },
  then,
});

export const ChooseDeliveryBody: JsonSchema = {
  type: 'object',
  title: '结果领取方式',
  description:
    'mail 邮寄送达（需 address）· pickup 窗口自取（需 siteId，取自 deliveryOptions 中的地点）· elicence 电子证照',
  additionalProperties: false,
  required: ['method'],
  properties: {
    method: { type: 'string', title: '领取方式', enum: [...DELIVERY_METHODS] },
    address: {
      type: 'object',
      title: '邮寄地址',
      additionalProperties: false,
      required: ['recipient', 'phone', 'region', 'detail'],
      properties: {
        recipient: { type: 'string', title: '收件人', minLength: 1, maxLength: 30, pattern: '\\S' },
        phone: { type: 'string', title: '手机号码', format: 'cn-mobile', 'x-sensitive': 'phone' },
        region: {
          type: 'string',
          title: '所在地区',
          format: 'cn-region-code',
          description: '6 位行政区划代码（GB/T 2260），与表单的地区控件相同',
        },
        detail: {
          type: 'string',
          title: '详细地址',
          minLength: 4,
          maxLength: 120,
          pattern: '\\S',
          'x-sensitive': 'address',
          description: '街道、门牌号、楼栋和房间号',
        },
      },
    },
    siteId: { type: 'string', title: '自取地点', minLength: 1, maxLength: 64 },
  },
  allOf: [
    whenMethod('mail', {
      required: ['address'],
      properties: { address: { title: '邮寄地址' }, siteId: false },
    }),
    whenMethod('pickup', {
      required: ['siteId'],
      properties: { siteId: { title: '自取地点' }, address: false },
    }),
    whenMethod('elicence', { properties: { address: false, siteId: false } }),
  ],
};

/** Friendlier words than the generic ones for some fields of {@link ChooseDeliveryBody}. */
export const DELIVERY_MESSAGES: Record<string, string> = {
  '/method': '请选择结果领取方式：邮寄送达、窗口自取或电子证照',
  '/address/phone': '请输入正确的手机号码',
  '/address/region': '请选择所在地区（省 / 市 / 区县）',
  '/address/recipient': '请填写收件人姓名（不超过 30 个字）',
};

const Site: JsonSchema = {
  type: 'object',
  required: ['id', 'name', 'address', 'hours'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    address: { type: 'string' },
    hours: { type: 'string' },
  },
};

export const DeliveryView: JsonSchema = {
  type: 'object',
  required: ['method', 'methodLabel', 'chosenAt'],
  properties: {
    method: { type: 'string', enum: [...DELIVERY_METHODS] },
    methodLabel: { type: 'string', description: '邮寄送达 / 窗口自取 / 电子证照' },
    address: {
      type: 'object',
      description: '仅邮寄送达；手机号码已脱敏（工作人员看到的详细地址也已脱敏）',
      required: ['recipient', 'phoneMasked', 'region', 'regionName', 'detail'],
      properties: {
        recipient: { type: 'string' },
        phoneMasked: { type: 'string', examples: ['138****1234'] },
        region: { type: 'string' },
        regionName: { type: 'string', examples: ['浙江省杭州市西湖区'] },
        detail: { type: 'string' },
      },
    },
    site: { ...Site, description: '仅窗口自取' },
    chosenAt: { type: 'string', format: 'date-time' },
  },
};

export const DeliveryOptions: JsonSchema = {
  type: 'array',
  description: '该事项提供的领取方式；窗口自取列出可选地点',
  items: {
    type: 'object',
    required: ['method', 'label'],
    properties: {
      method: { type: 'string', enum: [...DELIVERY_METHODS] },
      label: { type: 'string' },
      sites: { type: 'array', items: Site },
    },
  },
};

export const RATING_LABELS: Record<number, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};

export const RateCaseBody: JsonSchema = {
  type: 'object',
  title: '评价',
  description:
    '5 非常满意 · 4 满意 · 3 基本满意 · 2 不满意 · 1 非常不满意；2 分及以下须填写评价内容或选择至少一个标签',
  additionalProperties: false,
  required: ['score'],
  properties: {
    score: { type: 'integer', title: '评分', minimum: 1, maximum: 5 },
    tags: {
      type: 'array',
      title: '评价标签',
      maxItems: 10,
      uniqueItems: true,
      items: { type: 'string', title: '评价标签', minLength: 1, maxLength: 20 },
    },
    comment: { type: 'string', title: '评价内容', maxLength: 500 },
  },
};

export const RatingView: JsonSchema = {
  type: 'object',
  required: ['score', 'label', 'tags', 'comment', 'ratedAt'],
  properties: {
    score: { type: 'integer', minimum: 1, maximum: 5 },
    label: { type: 'string', description: '非常满意 … 非常不满意' },
    tags: { type: 'array', items: { type: 'string' } },
    comment: { type: ['string', 'null'], description: '身份证号、手机号已脱敏' },
    ratedAt: { type: 'string', format: 'date-time' },
  },
};

/** What the citizen's case detail gains (GET /cases/{id}). */
export const AftercareProperties: Record<string, JsonSchema> = {
  delivery: { oneOf: [{ type: 'null' }, DeliveryView], description: '已选择的结果领取方式' },
  deliveryOptions: DeliveryOptions,
  deliveryEditable: { type: 'boolean', description: '办结、不予受理或撤回前可选择或修改' },
  rating: { oneOf: [{ type: 'null' }, RatingView], description: '好差评' },
  ratable: { type: 'boolean', description: '已办结（含不予受理、不予批准）且尚未评价' },
};
