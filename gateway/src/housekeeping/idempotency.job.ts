import type { Sweep } from './keyset-sweep';
import { HOUR_MS, type RetentionConfig } from './retention-config';

/**
 * `housekeeping.idempotency`: stored answers to case submissions, `idempotencyKeyHours` (≥ 24) after
 * the submission. The case itself stays; a retry after that gets a new case (Stripe prunes likewise).
 */
export function idempotencySweeps(config: RetentionConfig): Sweep[] {
  return [
    {
      name: 'idempotency_keys',
      title: '过期的提交幂等键',
      table: 'idempotency_keys',
      key: ['citizen_id', 'idem_key'],
      where: (eb, now) => eb('created_at', '<', now - config.idempotencyKeyHours * HOUR_MS),
    },
  ];
}
