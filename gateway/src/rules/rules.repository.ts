import type { Db } from '../platform/db/database';
import type { RuleSet, RuleSetStatus } from './rule-set';

/** A stored version of a rule set. */
export interface StoredRuleSet {
  ruleSet: RuleSet;
  updatedAt: number;
  publishedAt: number | null;
  publishedBy: string | null;
}

interface Row {
  code: string;
  version: number;
  kind: string;
  status: RuleSetStatus;
  definition: string;
  updated_at: number | string;
  published_at: number | string | null;
  published_by: string | null;
}

function toStored(row: Row): StoredRuleSet {
  return {
    ruleSet: JSON.parse(row.definition) as RuleSet,
    updatedAt: Number(row.updated_at),
    publishedAt: row.published_at === null ? null : Number(row.published_at),
    publishedBy: row.published_by,
  };
}

/** The `rule_sets` table (rules.migrations.ts). Writes to a version only ever touch a draft. */
export class RuleSetRepository {
  constructor(private readonly db: Db) {}

  async get(code: string, version: number): Promise<StoredRuleSet | undefined> {
    const row = await this.db
      .selectFrom('rule_sets')
      .selectAll()
      .where('code', '=', code)
      .where('version', '=', version)
      .executeTakeFirst();
    return row === undefined ? undefined : toStored(row as Row);
  }

  /** Every version of every rule set (or of one code), newest first, without their definitions. */
  async list(code?: string): Promise<
    {
      code: string;
      version: number;
      kind: string;
      status: RuleSetStatus;
      title?: string;
      updatedAt: number;
      publishedAt: number | null;
    }[]
  > {
    let q = this.db.selectFrom('rule_sets').selectAll().orderBy('code').orderBy('version', 'desc');
    if (code !== undefined) q = q.where('code', '=', code);
    return (await q.execute()).map((row) => {
      const r = toStored(row as Row);
      return {
        code: r.ruleSet.code,
        version: r.ruleSet.version,
        kind: r.ruleSet.kind,
        status: r.ruleSet.status,
        ...(r.ruleSet.title ? { title: r.ruleSet.title } : {}),
        updatedAt: r.updatedAt,
        publishedAt: r.publishedAt,
      };
    });
  }

  /** When any version was last published (instances reload their compiled rules when it moves). */
  async lastPublishedAt(): Promise<number> {
    const row = await this.db
      .selectFrom('rule_sets')
      .select((eb) => eb.fn.max('published_at').as('at'))
      .executeTakeFirst();
    return Number(row?.at ?? 0);
  }

  async latestPublished(code: string): Promise<StoredRuleSet | undefined> {
    const row = await this.db
      .selectFrom('rule_sets')
      .selectAll()
      .where('code', '=', code)
      .where('status', '=', 'published')
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : toStored(row as Row);
  }

  async insertDraft(ruleSet: RuleSet, now: number): Promise<void> {
    await this.db
      .insertInto('rule_sets')
      .values({
        code: ruleSet.code,
        version: ruleSet.version,
        kind: ruleSet.kind,
        status: 'draft',
        definition: JSON.stringify({ ...ruleSet, status: 'draft' }),
        updated_at: now,
        published_at: null,
        published_by: null,
      })
      .execute();
  }

  /** Replaces a draft; false when the version does not exist or is no longer a draft. */
  async updateDraft(ruleSet: RuleSet, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('rule_sets')
      .set({
        kind: ruleSet.kind,
        definition: JSON.stringify({ ...ruleSet, status: 'draft' }),
        updated_at: now,
      })
      .where('code', '=', ruleSet.code)
      .where('version', '=', ruleSet.version)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Marks a draft published; false when it was not a draft any more (published meanwhile). */
  async markPublished(ruleSet: RuleSet, by: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('rule_sets')
      .set({
        status: 'published',
        definition: JSON.stringify({ ...ruleSet, status: 'published' }),
        updated_at: now,
        published_at: now,
        published_by: by,
      })
      .where('code', '=', ruleSet.code)
      .where('version', '=', ruleSet.version)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
