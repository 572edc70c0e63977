import type { JsonSchema } from '../platform/http/route';

const uuid = { type: 'string', pattern: '^[0-9a-f-]{36}$' };
const staffId = { type: 'string', title: '工作人员编号', pattern: '^[A-Za-z0-9_.-]{1,64}$' };
const comment = { type: 'string', title: '意见', minLength: 1, maxLength: 2000 };
const attachments = {
  type: 'array',
  title: '附件',
  description: '已上传材料的编号',
  maxItems: 20,
  items: uuid,
};

export const TaskIdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: uuid },
};

export const CaseIdParams = TaskIdParams;

export const WorklistQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    box: {
      type: 'string',
      enum: ['todo', 'done', 'cc', 'department'],
      default: 'todo',
      description: 'todo 待办 · done 已办 · cc 抄送我 · department 本部门（及下级）在办',
    },
    serviceCode: { type: 'string', pattern: '^[a-z0-9.-]{3,64}$' },
    caseNumber: { type: 'string', pattern: '^[0-9]{8,32}$' },
    overdue: { type: 'boolean', description: '只看已超期' },
    unread: { type: 'boolean', description: '抄送我：只看未读' },
    cursor: { type: 'string', maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
};

export const ApproveBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { comment, attachments },
};

export const RejectBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['comment'],
  properties: { comment, attachments },
};

export const ReturnBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['target', 'comment'],
  properties: {
    target: {
      type: 'string',
      title: '退回到',
      description: '前序节点编号、previous（上一节点）或 applicant（申请人补正）',
      pattern: '^[a-z][a-z0-9-]{0,63}$',
    },
    comment,
  },
};

export const TransferBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: { to: staffId, comment },
};

export const AddApproverBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['staffIds', 'position'],
  properties: {
    staffIds: { type: 'array', minItems: 1, maxItems: 10, uniqueItems: true, items: staffId },
    position: {
      type: 'string',
      enum: ['before', 'after', 'parallel'],
      description: 'before 前加签（加签人先审）· after 后加签（本人同意后由加签人审）· parallel 并加签',
    },
    comment,
  },
};

export const CcBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['staffIds'],
  properties: {
    staffIds: { type: 'array', minItems: 1, maxItems: 50, uniqueItems: true, items: staffId },
    comment,
  },
};

export const CommentBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['comment'],
  properties: { comment, attachments },
};

export const OptionalCommentBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { comment },
};

export const WithdrawBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', maxLength: 500 } },
};

export const CorrectionBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['formData'],
  properties: {
    formData: { type: 'object', description: '补正后的完整表单数据（按该办件的表单版本校验）' },
  },
};

export const StaffSandboxLoginBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['staffId'],
  properties: { staffId },
};

export const AutomaticResultBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['outcome'],
  properties: {
    outcome: { type: 'string', enum: ['approved', 'rejected'] },
    note: { type: 'string', maxLength: 2000 },
  },
};

export const PublishFlowsBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flows'],
  properties: { flows: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'object' } } },
};

export const MigrateBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['fromVersion', 'toVersion'],
  properties: {
    fromVersion: { type: 'integer', minimum: 1 },
    toVersion: { type: 'integer', minimum: 1 },
    dryRun: { type: 'boolean', default: false },
  },
};

export const FlowIdParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9.-]{0,63}$' } },
};

export const TaskView: JsonSchema = {
  type: 'object',
  required: ['id', 'kind', 'status', 'caseId', 'caseNumber', 'node', 'department'],
  properties: {
    id: { type: 'string' },
    kind: { enum: ['approval', 'cc'] },
    status: { type: 'string' },
    statusLabel: { type: 'string' },
    caseNumber: { type: 'string' },
    dueAt: { type: ['string', 'null'], format: 'date-time' },
    overdue: { type: 'boolean' },
  },
};

export const WorklistView: JsonSchema = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: TaskView }, nextCursor: { type: ['string', 'null'] } },
};
