// The OAs write local time (Asia/Shanghai, UTC+8, no DST) as `yyyy-MM-dd HH:mm:ss`.
const OFFSET_MS = 8 * 3600_000;

export function formatChinaTime(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO-8601 with `+08:00`, or undefined when `text` is not `yyyy-MM-dd HH:mm(:ss)`. */
export function chinaTimeToIso(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2})?$/.exec(text.trim());
  if (!match) return undefined;
  const iso = `${match[1]}T${match[2]}${match[3] ?? ':00'}+08:00`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}
