import type { Sweep } from './keyset-sweep';
import { DAY_MS, type RetentionConfig } from './retention-config';

/**
 * `housekeeping.sessions`: citizens' refresh tokens and staff sessions past their absolute expiry
 * (plus `sessionsAfterExpiryDays`). Only the database rows: a staff session's cache entry lives no
 * longer than its idle timeout, so the cache needs no sweeping.
 */
export function sessionSweeps(config: RetentionConfig): Sweep[] {
  const grace = config.sessionsAfterExpiryDays * DAY_MS;
  return [
    {
      name: 'refresh_tokens',
      title: '过期的市民刷新令牌',
      table: 'refresh_tokens',
      key: ['id'],
      where: (eb, now) => eb('expires_at', '<', now - grace),
    },
    {
      name: 'staff_sessions',
      title: '过期的工作人员会话',
      table: 'staff_sessions',
      key: ['id'],
      where: (eb, now) => eb('expires_at', '<', now - grace),
    },
  ];
}
