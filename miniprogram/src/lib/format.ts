/** 2026-11-27T11:04:15Z → 11月27日 19:04 (Beijing time, what citizens read on their phones). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

export function day(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

const CLOSED = new Set(['completed', 'closed', 'rejected', 'denied', 'withdrawn', 'cancelled', 'done']);
export const isOpenCase = (status: string) => !CLOSED.has(status);

/** The three steps citizens know (受理 → 审核 → 办结) and where the case is on them. */
export function stepOf(status: string): 0 | 1 | 2 | 3 {
  if (status === 'submitted' || status === 'pending') return 0;
  if (
    status === 'accepted' ||
    status === 'in_progress' ||
    status === 'correction_requested' ||
    status === 'correction' ||
    status === 'in_review' ||
    status === 'running'
  )
    return 1;
  if (CLOSED.has(status)) return 3;
  return 2;
}
export const STEPS = ['受理', '审核', '办结'];

/** 12.3 KB / 1.2 MB, for lists of files. */
export function fileSize(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What the citizen must do now, in a few words (for lists; the case page says it in full). */
export function nextStepShort(status: string): string {
  if (status === 'correction_requested') return '需要您补正材料';
  if (status === 'submitted') return '等待部门受理';
  if (isOpenCase(status)) return '部门办理中，您暂时不用做什么';
  return '已办结';
}

/** A calendar date (YYYY-MM-DD, as the gateway gives days) or an instant → 2026年11月27日. */
export function dateText(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : day(value);
}
