import { describe, expect, it } from 'vitest';
import { type Condition, evaluate } from '../platform/conditions';
import { compileRuleSet, contextForDay } from './compile-rule-set';
import type { RuleSet } from './rule-set';
import { pensionRuleSet } from './testing/pension';

const ctx = contextForDay('2024-06-01');
const eligible = {
  profile: { birthDate: '1963-01-01', socialInsurance: { years: 16 }, householdRegion: '110105' },
};

describe('compileRuleSet', () => {
  it('lets the highest priority rule that holds decide, else otherwise', () => {
    const pension = compileRuleSet(pensionRuleSet());
    expect(pension.rules.map((r) => r.id)).toEqual(['deceased', 'grant']);
    expect(pension.evaluate(eligible, ctx)).toMatchObject({
      rule: { id: 'grant' },
      outcome: { eligible: true },
    });
    const dead = { profile: { ...eligible.profile, deathDate: '2024-05-01' } };
    expect(pension.evaluate(dead, ctx)).toMatchObject({
      rule: { id: 'deceased' },
      outcome: { eligible: false },
    });
    expect(pension.fired(dead, ctx).map((r) => r.id)).toEqual(['deceased', 'grant']);
    expect(pension.evaluate({}, ctx)).toEqual({ rule: undefined, outcome: { eligible: false } });
  });

  it('keeps the written order among equal priorities', () => {
    const set: RuleSet = {
      code: 'dispatch',
      kind: 'dispatch',
      version: 1,
      status: 'draft',
      rules: ['a', 'b', 'c'].map((id) => ({
        id,
        priority: id === 'c' ? 5 : 1,
        when: { fact: 'form.x', operator: 'exists' },
        outcome: { queue: id },
      })),
    };
    expect(
      compileRuleSet(set)
        .fired({ form: { x: 1 } }, ctx)
        .map((r) => r.id),
    ).toEqual(['c', 'a', 'b']);
  });

  it('answers as the shared evaluator does, and reuses its decisions', () => {
    const pension = compileRuleSet(pensionRuleSet());
    const grant = pension.rules[1]!;
    for (const years of [14, 15, 16, undefined]) {
      const facts = { profile: { ...eligible.profile, socialInsurance: { years } } };
      expect(pension.holds('grant', facts, ctx)).toBe(evaluate(grant.when, facts, ctx));
    }
    expect(pension.evaluate(eligible, ctx)).toBe(pension.evaluate(eligible, ctx));
    expect(pension.holds('nope', eligible, ctx)).toBe(false);
  });

  // A quick figure for the report, not a gate: the bench (npm run bench:rules) owns the floor. Subjects
  // fail every rule, so each evaluate() call runs all 50 of them.
  it('measures rule evaluations per second on simple rules', () => {
    const rules = Array.from({ length: 50 }, (_, i) => ({
      id: `r${i}`,
      priority: 50 - i,
      when: {
        all: [
          { fact: 'profile.socialInsurance.years', operator: 'greaterThanInclusive', value: 15 + (i % 5) },
          { fact: 'profile.householdRegion', operator: 'equal', value: `1101${String(i).padStart(2, '0')}` },
        ],
      } as Condition,
      outcome: { eligible: true },
    }));
    const set = compileRuleSet({ code: 'bench', kind: 'eligibility', version: 1, status: 'draft', rules });
    const subjects = Array.from({ length: 100 }, (_, i) => ({
      profile: { socialInsurance: { years: i % 30 }, householdRegion: i % 3 === 0 ? '110199' : '310101' },
    }));
    let granted = 0;
    const run = (rounds: number) => {
      for (let k = 0; k < rounds; k++) for (const s of subjects) if (set.evaluate(s, ctx).rule) granted++;
    };
    run(100);
    const rounds = 1000;
    const started = process.hrtime.bigint();
    run(rounds);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perSecond = Math.round((rounds * subjects.length * rules.length) / seconds);
    console.info(
      `[rules] ${perSecond.toLocaleString('en')} rule evaluations/s (50 rules × 100 subjects × ${rounds})`,
    );
    expect(granted).toBe(0);
  });
});
