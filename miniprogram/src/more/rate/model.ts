/** The national 好差评 scale, best first, as citizens see it. */
export const LEVELS = [
  { score: 5, label: '非常满意' },
  { score: 4, label: '满意' },
  { score: 3, label: '基本满意' },
  { score: 2, label: '不满意' },
  { score: 1, label: '非常不满意' },
] as const;

const GOOD_TAGS = ['一次办成', '办事便捷', '材料精简', '服务热情', '进度清楚'];
const BAD_TAGS = ['材料繁琐', '多次跑腿', '等待时间长', '态度不好', '进度不透明', '结果不满意'];

/** Quick reasons to tap (typing is hard for many): praise for good scores, problems for poor ones. */
export const tagsFor = (score: number | undefined) =>
  score === undefined ? [] : score >= 3 ? GOOD_TAGS : BAD_TAGS;

/** A poor score must say why, so that the department can act on it (差评整改). */
export function ratingProblem(
  score: number | undefined,
  tags: string[],
  comment: string,
): string | undefined {
  if (score === undefined) return '请选择满意程度';
  if (score <= 2 && tags.length === 0 && comment.trim() === '') return '差评请说明原因：选择一项或填写意见';
  if (comment.length > 500) return '意见不能超过 500 字';
  return undefined;
}
