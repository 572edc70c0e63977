import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, dialect, type TestEnv } from '../../test/test-env';
import { createDatabase, type Database } from '../platform/db/database';
import { isUniqueViolation } from '../platform/db/db-errors';
import { migrate } from '../platform/db/migrate';
import { inTransaction } from '../platform/db/transaction';
import { materialsMigrations } from './materials.migrations';
import { type MaterialRow, MaterialsRepository } from './materials.repository';

const row = (over: Partial<MaterialRow> = {}): MaterialRow => ({
  id: randomUUID(),
  citizen_id: 'c-1',
  sha256: 'a'.repeat(64),
  kind: 'pdf',
  mime: 'application/pdf',
  size_bytes: 1000,
  original_name: '出生医学证明.pdf',
  material_code: '',
  created_at: 1_780_000_000_000,
  case_id: null,
  ...over,
});

describe(`materials repository (${dialect})`, () => {
  let env: TestEnv;
  let database: Database;
  let repo: MaterialsRepository;
  beforeAll(async () => {
    env = await createTestEnv();
    database = createDatabase(env.config.database);
    await migrate(database.db, materialsMigrations);
    repo = new MaterialsRepository(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await env?.cleanup();
  });

  it('round-trips a row with numbers as numbers and UTF-8 names', async () => {
    const r = row({ size_bytes: 19 * 1024 * 1024, created_at: 1_780_000_000_123 });
    await repo.insert(r);
    expect(await repo.findOwned('c-1', r.id)).toEqual(r);
    expect(await repo.findOwned('c-2', r.id)).toBeUndefined();
    expect(await repo.findByContent('c-1', r.sha256, '')).toEqual(r);
  });

  it('is unique per (citizen, sha256, material code) — also when no code was given', async () => {
    const sha = 'b'.repeat(64);
    await repo.insert(row({ sha256: sha }));
    const again = await repo.insert(row({ sha256: sha })).catch((e) => e);
    expect(isUniqueViolation(again)).toBe(true);
    // Another code or another citizen is another row.
    await repo.insert(row({ sha256: sha, material_code: 'birth-medical-certificate' }));
    await repo.insert(row({ sha256: sha, citizen_id: 'c-2' }));
    expect(await repo.countBySha(sha)).toBe(3);
  });

  it('lists newest first, filters by code, and sums usage', async () => {
    const citizen = randomUUID();
    const rows = [1, 3, 2].map((n) =>
      row({
        citizen_id: citizen,
        sha256: String(n).repeat(64),
        created_at: 1_780_000_000_000 + n,
        size_bytes: n * 100,
        material_code: n === 2 ? 'resident-id-card' : '',
      }),
    );
    for (const r of rows) await repo.insert(r);
    expect((await repo.listOwned(citizen)).map((r) => r.size_bytes)).toEqual([300, 200, 100]);
    expect((await repo.listOwned(citizen, 'resident-id-card')).map((r) => r.size_bytes)).toEqual([200]);
    expect(await repo.usage(citizen)).toEqual({ count: 3, totalBytes: 600 });
    expect(await repo.usage('nobody')).toEqual({ count: 0, totalBytes: 0 });
    expect(await repo.totalSize(rows.map((r) => r.id))).toBe(600);
    expect(await repo.totalSize([])).toBe(0);
  });

  it('attaches in a transaction, keeps the first case, and will not delete what is in use', async () => {
    const citizen = randomUUID();
    const a = row({ citizen_id: citizen, sha256: 'c'.repeat(64) });
    const b = row({ citizen_id: citizen, sha256: 'd'.repeat(64) });
    await repo.insert(a);
    await repo.insert(b);
    expect([...(await repo.ownedIds(citizen, [a.id, b.id, randomUUID()]))].sort()).toEqual(
      [a.id, b.id].sort(),
    );
    const caseId = randomUUID();
    await inTransaction(database.db, (tx) => repo.attach(tx, citizen, [a.id], caseId));
    await inTransaction(database.db, (tx) => repo.attach(tx, citizen, [a.id], randomUUID()));
    expect((await repo.findOwned(citizen, a.id))?.case_id).toBe(caseId);
    expect(await repo.deleteUnused(citizen, a.id)).toBe(false);
    expect(await repo.deleteUnused('someone-else', b.id)).toBe(false);
    expect(await repo.deleteUnused(citizen, b.id)).toBe(true);
    expect(await repo.findOwned(citizen, b.id)).toBeUndefined();
  });
});
