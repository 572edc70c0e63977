// The rule set's JSON Schema. Conditions are checked by the shared condition validator (depth, operands,
// safe regexes), so here `when` only has to be an object.
const label = {
  type: 'object',
  additionalProperties: false,
  required: ['label'],
  properties: {
    label: { type: 'string', title: '条件说明', minLength: 1, maxLength: 100 },
    current: { type: 'string', title: '当前值说明', maxLength: 100 },
  },
};

const hint = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: {
    field: { type: 'string', title: '表单字段', minLength: 1, maxLength: 200 },
    material: { type: 'string', title: '材料', minLength: 1, maxLength: 64 },
    message: { type: 'string', title: '提示内容', minLength: 1, maxLength: 200 },
  },
};

const test = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'facts', 'expect'],
  properties: {
    name: { type: 'string', title: '测试名称', minLength: 1, maxLength: 100 },
    facts: { type: 'object', title: '测试数据' },
    today: { type: 'string', title: '测试日期', format: 'date' },
    expect: {
      type: 'object',
      title: '期望结果',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        fires: { type: 'boolean', title: '是否命中' },
        decision: { type: 'object', title: '期望的决定' },
      },
    },
  },
};

const outcome = {
  type: 'object',
  title: '结果',
  properties: {
    eligible: { type: 'boolean', title: '是否符合条件' },
    hints: { type: 'array', title: '提示', maxItems: 50, items: hint },
    assignees: { type: 'object', title: '办理人（派单规则）', required: ['type'] },
    channel: { title: '通知渠道', enum: ['wechat', 'sms', 'none'] },
  },
};

export const ruleSetSchema = {
  $id: 'https://g-crm.local/schemas/rule-set.schema.json',
  title: '规则集',
  type: 'object',
  additionalProperties: false,
  required: ['code', 'kind', 'version', 'status', 'rules'],
  properties: {
    code: { type: 'string', title: '规则集编码', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
    kind: {
      title: '规则类型',
      enum: ['eligibility', 'pre-review', 'notification', 'recommendation', 'dispatch'],
    },
    version: { type: 'integer', title: '版本号', minimum: 1 },
    status: { title: '状态', enum: ['draft', 'published'] },
    title: { type: 'string', title: '规则集名称', maxLength: 100 },
    factLabels: {
      type: 'object',
      title: '事实名称',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 50 },
    },
    otherwise: outcome,
    rules: {
      type: 'array',
      title: '规则',
      minItems: 1,
      maxItems: 500,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'priority', 'when', 'outcome'],
        properties: {
          id: { type: 'string', title: '规则编号', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
          priority: { type: 'integer', title: '优先级' },
          title: { type: 'string', title: '规则名称', maxLength: 100 },
          when: { type: 'object', title: '条件' },
          explain: { type: 'object', title: '条件说明', additionalProperties: label },
          outcome,
          tests: { type: 'array', title: '测试用例', maxItems: 100, items: test },
        },
      },
    },
  },
} as const;
