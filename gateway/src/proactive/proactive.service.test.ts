import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { outboxMigrations } from '../platform/outbox/outbox';
import { loadPolicies, PolicyService, publishShippedRules } from '../policies';
import { profileMigrations, setConsent } from '../profile';
import type { LifeEvent } from '../profile/life-events';
import { RuleSetRepository, rulesMigrations } from '../rules';
import { PROFILE_TABLE } from '../rules/profile-table';
import { proactiveMigrations } from './proactive.migrations';
import { ProactiveService } from './proactive.service';

const DAY = 86_400_000;
const log = pino({ level: 'silent' });

describe(`proactive service (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let policies: PolicyService;
  let clock = Date.parse('2026-11-27T02:00:00Z');
  const submitted: { citizenId: string; key: string; serviceCode: string }[] = [];
  const withdrawn: string[] = [];
  const bound = new Map<string, string>();
  let service: ProactiveService;

  const profile = async (idIndex: string, values: Record<string, unknown>) => {
    await database.db.deleteFrom(PROFILE_TABLE).where('id_index', '=', idIndex).execute();
    await database.db
      .insertInto(PROFILE_TABLE)
      .values({ id_index: idIndex, updated_at: clock, ...values })
      .execute();
  };
  const offersOf = (idIndex: string) =>
    database.db.selectFrom('proactive_offers').selectAll().where('id_index', '=', idIndex).execute();
  const outbox = (aggregateId: string) =>
    database.db.selectFrom('outbox').selectAll().where('aggregate_id', '=', aggregateId).execute();
  const birth = (idIndex: string, at: string): LifeEvent => ({
    idIndex,
    kind: 'child_birth',
    at,
    source: 'health',
    subject: `baby-of-${idIndex}-${at}`,
    details: {},
  });

  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, outboxMigrations, rulesMigrations, profileMigrations, proactiveMigrations);
    const rules = new RuleSetRepository(database.db);
    await publishShippedRules(rules, log);
    policies = new PolicyService(loadPolicies(), {
      rules,
      subjects: { facts: async () => undefined, idNumberOf: async () => undefined },
      serviceName: () => undefined,
      now: () => new Date(clock),
    });
    await policies.reload();
    service = new ProactiveService({
      db: database.db,
      policies,
      citizensOf: async (ids) => new Map(ids.filter((i) => bound.has(i)).map((i) => [i, bound.get(i)!])),
      identityOf: async () => ({ name: '测试老人', idNumber: '11010519440501901X' }),
      submit: async (citizenId, key, serviceCode) => {
        submitted.push({ citizenId, key, serviceCode });
        return `case-${submitted.length}`;
      },
      writeDraft: async () => {},
      withdraw: async (_citizenId, caseId) => {
        withdrawn.push(caseId);
      },
      serviceName: () => undefined,
      notificationChannel: (facts) =>
        policies.decide('notification.offers', 'notification', facts)?.channel as 'wechat' | 'sms' | 'none',
      log,
      now: () => clock,
    });
  });
  afterAll(async () => {
    await database?.close();
    await env?.cleanup();
  });

  it('offers a birth to an eligible parent once, within the offer window, and tells a bound one', async () => {
    await profile('mother-1', {
      birth_date: '1993-07-21',
      employment_status: '在职',
      social_insurance_years: 5,
      children_count: 1,
      household_region: '110105',
    });
    bound.set('mother-1', 'citizen-1');
    expect(await service.onLifeEvents([birth('mother-1', '2026-11-20')])).toBe(2);
    // Replayed (a feed page read twice): nothing new.
    expect(await service.onLifeEvents([birth('mother-1', '2026-11-20')])).toBe(0);
    const offers = await offersOf('mother-1');
    expect(offers.map((o) => o.policy_code).sort()).toEqual(['maternity-allowance', 'newborn']);
    expect(offers.every((o) => o.status === 'offered' && o.citizen_id === 'citizen-1')).toBe(true);
    for (const o of offers) {
      const told = await outbox(o.id);
      expect(told).toHaveLength(1);
      // The notification rule set: a 33-year-old is told by WeChat (SMS when WeChat cannot).
      expect(JSON.parse(told[0]!.payload).channel).toBe('wechat');
    }
    const listed = await service.list('citizen-1');
    expect(listed[0]).toMatchObject({
      lifeEvent: { kind: 'child_birth', label: '新生儿出生', at: '2026-11-20' },
    });

    // A birth two years ago is past every window; an unemployed parent gets the bundle, not the allowance.
    await profile('father-2', {
      birth_date: '1990-01-01',
      employment_status: '未就业',
      children_count: 1,
      household_region: '110105',
    });
    expect(await service.onLifeEvents([birth('father-2', '2024-11-20')])).toBe(0);
    expect(await service.onLifeEvents([birth('father-2', '2026-11-25')])).toBe(1);
    expect((await offersOf('father-2')).map((o) => o.policy_code)).toEqual(['newborn']);
    // Not bound: the offer waits without a message.
    expect(await outbox((await offersOf('father-2'))[0]!.id)).toHaveLength(0);
  });

  it('reminds of retirement ahead of the date, with the date in the message', async () => {
    await profile('near-60', { birth_date: '1967-01-15', gender: '男', social_insurance_years: 30 });
    const made = await service.onLifeEvents([
      {
        idIndex: 'near-60',
        kind: 'retirement_approaching',
        at: '2027-01-15',
        source: 'social-insurance',
        subject: '60',
        details: {},
      },
    ]);
    expect(made).toBe(1);
    const [offer] = await offersOf('near-60');
    expect(offer).toMatchObject({ policy_code: 'retirement', due_date: '2027-01-15' });
    expect(offer!.message).toContain('2027年1月15日');

    // Someone who withdrew 人社 from 主动推送服务 gets no reminder from it.
    await profile('near-60-quiet', { birth_date: '1967-01-15', gender: '男', social_insurance_years: 30 });
    await setConsent(database.db, 'near-60-quiet', 'social-insurance', 'proactive', true, clock);
    const quiet = await service.onLifeEvents([
      {
        idIndex: 'near-60-quiet',
        kind: 'retirement_approaching',
        at: '2027-01-15',
        source: 'social-insurance',
        subject: '60',
        details: {},
      },
    ]);
    expect(quiet).toBe(0);
  });

  it('免申即享: granted when the person has an account, re-verified, ended when no longer eligible', async () => {
    await profile('elder-1', { birth_date: '1944-05-01', household_region: '110105' });
    await profile('elder-2', { birth_date: '1940-03-01', household_region: '110108' });
    const senior = policies.policy('senior-allowance')!;
    // elder-2 has no account yet: pending until bound.
    bound.set('elder-1', 'citizen-e1');
    expect(await service.offerMatches(senior, ['elder-1', 'elder-2'])).toBe(2);
    expect(await service.offerMatches(senior, ['elder-1', 'elder-2'])).toBe(0);
    const granted = (await offersOf('elder-1'))[0]!;
    expect(granted).toMatchObject({ status: 'granted', case_id: 'case-1' });
    // Over 75: told by SMS, not by a WeChat service notice.
    expect((await outbox(granted.id)).map((m) => JSON.parse(m.payload).channel)).toEqual(['sms']);
    expect((await offersOf('elder-2'))[0]).toMatchObject({ status: 'pending', case_id: null });
    expect(submitted).toEqual([
      {
        citizenId: 'citizen-e1',
        key: expect.stringMatching(/^proactive-/),
        serviceCode: 'civil.senior-allowance',
      },
    ]);

    bound.set('elder-2', 'citizen-e2');
    await service.onBound('citizen-e2', 'elder-2');
    expect((await offersOf('elder-2'))[0]).toMatchObject({ status: 'granted', citizen_id: 'citizen-e2' });

    // A month later: elder-1 has died (the profile says so), elder-2 is still eligible.
    await profile('elder-1', {
      birth_date: '1944-05-01',
      household_region: '110105',
      death_date: '2026-12-10',
    });
    clock += 31 * DAY;
    expect(await service.reverify()).toEqual({ verified: 1, ended: 1 });
    const ended = (await offersOf('elder-1'))[0]!;
    expect(ended.status).toBe('ended');
    expect(ended.message).toMatch(/^经复核，您已不再符合高龄津贴条件/);
    // The account of someone who died is not sent the end of their allowance (the notification rules).
    expect((await outbox(ended.id)).map((m) => JSON.parse(m.payload).offerMessage)).not.toContain(
      ended.message,
    );
    // Nothing is due again until another period has passed.
    expect(await service.reverify()).toEqual({ verified: 0, ended: 0 });

    // Declining a grant withdraws its case.
    const grant = (await offersOf('elder-2'))[0]!;
    const declined = await service.decline('citizen-e2', grant.id, null);
    expect(declined.status).toBe('declined');
    expect(withdrawn).toEqual([grant.case_id]);
    await expect(service.decline('citizen-other', grant.id, null)).rejects.toMatchObject({ status: 404 });
  });
});
