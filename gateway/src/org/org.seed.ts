import type { Db } from '../platform/db/database';
import { inTransaction } from '../platform/db/transaction';
import { checkOrg, OrgDataError } from './org.check';
import { type OrgChanges, OrgRepository } from './org.repository';
import type { OrgData } from './org.types';

/**
 * Writes an org (the demo org, or a file maintained by hand) so that the directory equals it: checked
 * whole first ({@link OrgDataError} lists every problem, nothing is written), then one transaction.
 * Idempotent: the same data again changes no row. Changed data updates names, parents and heads and
 * replaces memberships; departments no longer listed are deleted, staff no longer listed deactivated.
 * Running directories see the change after their `reload()`.
 */
export async function seedOrg(db: Db, data: OrgData, now = Date.now()): Promise<OrgChanges> {
  const problems = checkOrg(data);
  if (problems.length > 0) throw new OrgDataError(problems);
  const repository = new OrgRepository(db);
  return inTransaction(db, (tx) => repository.replaceAll(tx, data, now));
}
