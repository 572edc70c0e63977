import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { createDatabase, type Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { CaseNumbers, chinaDay } from './case-number';
import { casesMigrations } from './cases.migrations';

describe(`case numbers (${dialect})`, () => {
  let env: TestEnv;
  let a: Database;
  let b: Database;
  beforeAll(async () => {
    env = await createTestEnv();
    a = createDatabase(env.config.database);
    // Two MySQL pools are two instances. Two SQLite connections in one thread would only block each
    // other in busy-waits; embedded mode is one process, so it shares the connection.
    b = dialect === 'mysql' ? createDatabase(env.config.database) : a;
    await migrate(a.db, casesMigrations);
  });
  afterAll(async () => {
    await a?.close();
    if (b !== a) await b?.close();
    await env?.cleanup();
  });

  it('uses the day in China: 23:30 UTC is already the next day', () => {
    expect(chinaDay(Date.UTC(2026, 10, 27, 15, 59))).toBe('20261127');
    expect(chinaDay(Date.UTC(2026, 10, 27, 16, 0))).toBe('20261128');
  });

  it('two instances drawing concurrently never hand out the same number', async () => {
    const now = Date.UTC(2026, 10, 27, 2, 0);
    const one = new CaseNumbers(a.db, 7);
    const two = new CaseNumbers(b.db, 7);
    const drawn = await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? one : two).next(now)));
    expect(new Set(drawn).size).toBe(300);
    for (const n of drawn) expect(n).toMatch(/^20261127\d{6}$/);
    // Per instance the numbers increase.
    const fromOne = await Promise.all([one.next(now), one.next(now), one.next(now)]);
    expect([...fromOne].sort()).toEqual(fromOne);
  });

  it('starts again at 1 on a new day', async () => {
    const numbers = new CaseNumbers(a.db, 5);
    expect(await numbers.next(Date.UTC(2026, 11, 1, 2, 0))).toBe('20261201000001');
    expect(await numbers.next(Date.UTC(2026, 11, 2, 2, 0))).toBe('20261202000001');
  });
});
