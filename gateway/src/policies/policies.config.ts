import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@gcrm/config';
import { createAjv } from '../platform/validation/ajv';
import type { LifeEventKind } from '../profile/life-events';

/** How a citizen gets what a policy gives. */
export type PolicyGrant = 'apply' | 'automatic';

/** One policy of config/policies.json: what it gives, the service it leads to, the rules that decide. */
export interface Policy {
  code: string;
  /** zh-CN, e.g. 生育津贴 */
  title: string;
  summary: string;
  serviceCode: string;
  /** Code of the eligibility rule set (its latest published version decides). */
  eligibility: string;
  /** Code of the service's pre-review rule set, if it has one. */
  preReview?: string;
  /** apply: told and pre-filled; automatic: 免申即享, the case is opened for the citizen. */
  grant: PolicyGrant;
  /** Life events that make the system offer the policy. */
  lifeEvents?: LifeEventKind[];
  /** Offers are made up to this many days after the event. Default 90. */
  offerDays?: number;
  /** A reminder ahead of the event (退休): offered without the eligibility rules holding yet. */
  remindOnly?: boolean;
  /** 免申即享: granted cases are checked again this often (days). Default 30. */
  reverifyDays?: number;
  /** zh-CN text of the offer; `{date}` is the event's date. */
  message: string;
}

export const DEFAULT_POLICIES_FILE = fileURLToPath(new URL('../../../config/policies.json', import.meta.url));

const LIFE_EVENTS = [
  'birth',
  'child_birth',
  'school_entry',
  'graduation',
  'employment',
  'marriage',
  'divorce',
  'home_purchase',
  'death_in_family',
  'retirement_approaching',
  'business_start',
];

const schema = {
  type: 'object',
  required: ['policies'],
  properties: {
    $comment: { type: 'string' },
    policies: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'title', 'summary', 'serviceCode', 'eligibility', 'grant', 'message'],
        properties: {
          code: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,63}$' },
          title: { type: 'string', minLength: 1, maxLength: 40 },
          summary: { type: 'string', minLength: 1, maxLength: 200 },
          serviceCode: { type: 'string', minLength: 1 },
          eligibility: { type: 'string', minLength: 1, maxLength: 64 },
          preReview: { type: 'string', minLength: 1, maxLength: 64 },
          grant: { enum: ['apply', 'automatic'] },
          lifeEvents: { type: 'array', uniqueItems: true, items: { enum: LIFE_EVENTS } },
          offerDays: { type: 'integer', minimum: 1, maximum: 3650 },
          remindOnly: { type: 'boolean' },
          reverifyDays: { type: 'integer', minimum: 1, maximum: 3650 },
          message: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
    },
  },
} as const;

/** Reads and checks config/policies.json (codes unique). */
export function loadPolicies(file = DEFAULT_POLICIES_FILE): Policy[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { policies: Policy[] };
  const validate = createAjv().compile(schema);
  if (!validate(raw)) {
    throw new ConfigError(
      (validate.errors ?? []).map((e) => `${file}${e.instancePath}: ${e.message ?? 'invalid'}`),
    );
  }
  const seen = new Set<string>();
  for (const p of raw.policies) {
    if (seen.has(p.code)) throw new ConfigError([`${file}: policy ${p.code} 重复 (duplicate code)`]);
    seen.add(p.code);
  }
  return raw.policies;
}
