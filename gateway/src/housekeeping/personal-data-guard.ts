import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';

/**
 * True when the citizen in `citizenColumn` (qualified: `materials.citizen_id`) has a rights request
 * still being handled (submitted or processing). Their drafts and unused materials are left alone
 * until it is answered, so a pending export or deletion sees (and reports) a stable picture.
 */
export function hasOpenRightsRequest(
  // biome-ignore lint/suspicious/noExplicitAny: used in sweeps over any table.
  eb: ExpressionBuilder<any, any>,
  citizenColumn: string,
): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom('rights_requests as hk_r')
      .select('hk_r.id')
      .whereRef('hk_r.citizen_id', '=', citizenColumn)
      .where('hk_r.status', 'in', ['submitted', 'processing']),
  );
}
