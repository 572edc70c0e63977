import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import type { Facts } from '../platform/conditions';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { RuleSetRepository, rulesMigrations } from '../rules';
import { loadPolicies } from './policies.config';
import { PolicyService } from './policies.service';
import { publishShippedRules } from './shipped-rules';

describe(`policies for one citizen (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let policies: PolicyService;
  const profiles = new Map<string, Facts>();
  const names: Record<string, string> = {
    'hf.housing-fund-withdrawal': '住房公积金提取',
    'ps.residence-permit': '居住证申领',
    'hrss.maternity-allowance': '生育津贴申领',
  };

  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, rulesMigrations);
    const rules = new RuleSetRepository(database.db);
    await publishShippedRules(rules, pino({ level: 'silent' }));
    policies = new PolicyService(loadPolicies(), {
      rules,
      recommendations: 'recommendation.home',
      subjects: {
        facts: async (id) => (profiles.has(id) ? { idIndex: id, facts: profiles.get(id)! } : undefined),
        idNumberOf: async () => undefined,
      },
      serviceName: (code) => names[code],
      now: () => new Date('2026-11-27T10:00:00+08:00'),
    });
    await policies.reload();
  });
  afterAll(async () => {
    await database?.close();
    await env?.cleanup();
  });

  it('为您推荐: every recommendation rule that holds, each published service once, with its reason', async () => {
    profiles.set('tianjin-owner', {
      profile: {
        birthDate: '1990-01-01',
        householdRegion: '120101',
        hasProperty: true,
        employmentStatus: '在职',
      },
    });
    expect(await policies.recommend('tianjin-owner')).toEqual([
      {
        serviceCode: 'ps.residence-permit',
        serviceName: '居住证申领',
        reason: '您的户籍不在本市，在本市居住半年以上可申领居住证',
      },
      {
        serviceCode: 'hf.housing-fund-withdrawal',
        serviceName: '住房公积金提取',
        reason: '名下有住房的缴存职工可申请提取住房公积金',
      },
    ]);
    // Not bound: nothing; a recommended service that is not published (no name): left out.
    expect(await policies.recommend('nobody')).toEqual([]);
    profiles.set('unemployed', {
      profile: {
        birthDate: '1990-01-01',
        householdRegion: '110105',
        employmentStatus: '未就业',
        socialInsurance: { years: 3 },
      },
    });
    expect(await policies.recommend('unemployed')).toEqual([]);
  });

  it('explains each policy, eligible first, with what is missing', async () => {
    profiles.set('young-mother', {
      profile: {
        birthDate: '1993-07-21',
        gender: '女',
        employmentStatus: '在职',
        socialInsurance: { years: 7 },
        childrenCount: 1,
        householdRegion: '110114',
      },
    });
    const { bound, items } = await policies.forCitizen('young-mother');
    expect(bound).toBe(true);
    expect(items[0]).toMatchObject({ code: 'maternity-allowance', eligible: true, missing: [] });
    const senior = items.find((p) => p.code === 'senior-allowance')!;
    expect(senior).toMatchObject({ eligible: false, missing: ['年满80周岁，当前33周岁'] });
    expect(senior.explanation).toBe('还差：年满80周岁，当前33周岁');
    expect(await policies.forService('young-mother', 'ps.residence-permit')).toMatchObject({
      eligible: null,
    });
  });
});
