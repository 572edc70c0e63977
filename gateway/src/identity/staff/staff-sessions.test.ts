import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../../test/test-env';
import { createMemoryCache } from '../../platform/cache/memory-cache';
import { createDatabase, type Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { staffAuthMigrations } from './staff-auth.migrations';
import { StaffSessions } from './staff-sessions';

describe(`staff sessions (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, staffAuthMigrations);
  });
  afterAll(async () => {
    await database?.close();
    await env?.cleanup();
  });

  it('ends a session after the idle time, and renews it on every request before that', async () => {
    const sessions = new StaffSessions(database.db, createMemoryCache(), {
      idleSeconds: 0.3,
      absoluteSeconds: 60,
    });
    const sid = await sessions.open('st-a', 'sandbox');
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      expect(await sessions.touch(sid, 'st-a')).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 400));
    expect(await sessions.touch(sid, 'st-a')).toBe(false);
  });

  it('ends a session at its absolute expiry however busy, and belongs to one staff member', async () => {
    let now = 1_800_000_000_000;
    const sessions = new StaffSessions(
      database.db,
      createMemoryCache(),
      { idleSeconds: 60, absoluteSeconds: 120 },
      () => now,
    );
    const sid = await sessions.open('st-b', 'password+totp');
    expect(await sessions.touch(sid, 'st-other')).toBe(false);
    now += 119_000;
    expect(await sessions.touch(sid, 'st-b')).toBe(true);
    now += 2_000;
    expect(await sessions.touch(sid, 'st-b')).toBe(false);
  });
});
