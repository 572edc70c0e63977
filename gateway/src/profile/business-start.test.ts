import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { casesMigrations } from '../cases';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { rulesMigrations } from '../rules';
import { businessStartEvents } from './business-start';
import { lifeEventsOf } from './life-events';
import { profileMigrations } from './profile.migrations';

describe(`创办企业 from the platform's own cases (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let n = 0;
  const at = Date.parse('2026-11-20T02:00:00Z');

  const completedCase = async (
    citizenId: string,
    serviceCode: string,
    when: number,
    status = 'completed',
  ) => {
    const id = randomUUID();
    n += 1;
    await database.db
      .insertInto('cases')
      .values({
        id,
        case_number: `T${n}`,
        citizen_id: citizenId,
        service_code: serviceCode,
        service_version: 1,
        channel: 'wechat',
        status,
        form_data: '{}',
        created_at: when - 1000,
        updated_at: when,
        row_version: 1,
      })
      .execute();
    await database.db
      .insertInto('case_events')
      .values({
        id: randomUUID(),
        case_id: id,
        type: 'status',
        from_status: 'accepted',
        to_status: status,
        actor_type: 'staff',
        created_at: when,
      })
      .execute();
    return id;
  };

  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, casesMigrations, rulesMigrations, profileMigrations);
    for (const [citizen, idIndex] of [
      ['c-bound', 'person-bound'],
      ['c-other', 'person-other'],
    ])
      await database.db
        .insertInto('citizen_real_names')
        .values({
          citizen_id: citizen,
          id_index: idIndex,
          id_number_ct: 'x',
          name_ct: 'x',
          verified_by: 'hukou',
          verified_at: at,
        })
        .execute();
  });
  afterAll(async () => {
    await database?.close();
    await env?.cleanup();
  });

  it('records a completed 企业开办 of a bound citizen once, and nothing else', async () => {
    const started = await completedCase('c-bound', 'bundle.business-start', at);
    await completedCase('c-bound', 'hrss.maternity-allowance', at + 1);
    await completedCase('c-other', 'bundle.restaurant-start', at + 2, 'rejected');
    await completedCase('c-unbound', 'bundle.business-start', at + 3);
    const events = await businessStartEvents(database.db, at + 10);
    expect(events).toEqual([
      expect.objectContaining({
        idIndex: 'person-bound',
        kind: 'business_start',
        at: '2026-11-20',
        source: 'cases',
        subject: started,
      }),
    ]);
    // The cursor moved: a second run finds nothing new; a later completion is found.
    expect(await businessStartEvents(database.db, at + 20)).toEqual([]);
    await completedCase('c-other', 'bundle.restaurant-start', at + 30);
    expect((await businessStartEvents(database.db, at + 40)).map((e) => e.idIndex)).toEqual(['person-other']);
    expect((await lifeEventsOf(database.db, 'person-bound')).map((e) => [e.kind, e.source])).toEqual([
      ['business_start', 'cases'],
    ]);
  });
});
