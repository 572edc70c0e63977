import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { stableStringify } from '../platform/stable-json';
import { publishRuleSet, type RuleSet, type RuleSetRepository, saveDraft } from '../rules';

const stableRuleSet = (r: RuleSet) => stableStringify({ ...r, status: 'published' });

export const SHIPPED_RULES_DIR = fileURLToPath(new URL('../../../config/rules', import.meta.url));

/**
 * Publishes the rule sets shipped in config/rules/ (one JSON file per version) that the database does
 * not hold yet, through the same checks as the admin API (valid, every attached test passing). A shipped
 * version that differs from the published one is left alone and logged: published versions never change.
 */
export async function publishShippedRules(
  repo: RuleSetRepository,
  log: Logger,
  dir = SHIPPED_RULES_DIR,
  now = Date.now(),
): Promise<void> {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const ruleSet = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RuleSet;
    const stored = await repo.get(ruleSet.code, ruleSet.version);
    if (stored?.ruleSet.status === 'published') {
      if (stableRuleSet(stored.ruleSet) !== stableRuleSet(ruleSet))
        log.warn(
          { code: ruleSet.code, version: ruleSet.version },
          'shipped rule set differs from the published version; kept the published one',
        );
      continue;
    }
    await saveDraft(repo, ruleSet, now);
    await publishRuleSet(repo, ruleSet.code, ruleSet.version, 'system', now);
    log.info({ code: ruleSet.code, version: ruleSet.version }, 'shipped rule set published');
  }
}
