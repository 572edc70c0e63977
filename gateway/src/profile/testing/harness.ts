import { randomBytes } from 'node:crypto';
import { createMemoryTokenCache } from '@gcrm/connectors/core';
import {
  createDeptClient,
  createDeptSimulator,
  createPopulation,
  DEMO_DEPT_APP,
  DEPT_SOURCE_KEYS,
  type DeptSimulator,
  type DeptSourceKey,
  type Population,
} from '@gcrm/connectors/dept-data';
import { createTestEnv } from '../../../test/test-env';
import { BlindIndex, type ColumnIndex } from '../../platform/crypto';
import { createDatabase, type Database } from '../../platform/db/database';
import { migrate } from '../../platform/db/migrate';
import { rulesMigrations } from '../../rules/rules.migrations';
import { profileIdIndex } from '../id-index';
import type { ProfileDeps } from '../merge';
import { profileMigrations } from '../profile.migrations';
import type { ProfileSources } from '../pull';

/** Six simulators over HTTP sharing one population, clients, a fresh database with both migrations. */
export interface ProfileHarness {
  population: Population;
  sims: { [S in DeptSourceKey]: DeptSimulator<S> };
  database: Database;
  idIndex: ColumnIndex;
  deps: ProfileDeps;
  close(): Promise<void>;
}

/** Starts the harness; `now` is a fixed clock (2026-11-27 10:00 Beijing) unless given. */
export async function openProfileHarness(now = Date.parse('2026-11-27T02:00:00Z')): Promise<ProfileHarness> {
  const population = createPopulation({ seed: 9, size: 160 });
  const sims = Object.fromEntries(
    DEPT_SOURCE_KEYS.map((s) => [s, createDeptSimulator(s, { population, rateLimitPerMinute: 100_000 })]),
  ) as unknown as ProfileHarness['sims'];
  const tokenCache = createMemoryTokenCache();
  const sources = {} as Record<DeptSourceKey, unknown>;
  for (const s of DEPT_SOURCE_KEYS) {
    const apiBase = await sims[s].listen(0, '127.0.0.1');
    sources[s] = createDeptClient(
      s,
      { ...DEMO_DEPT_APP, apiBase, retry: { baseDelayMs: 1, maxDelayMs: 5 } },
      { tokenCache },
    );
  }
  const env = await createTestEnv();
  const database = createDatabase(env.config.database);
  await migrate(database.db, rulesMigrations, profileMigrations);
  const idIndex = profileIdIndex(new BlindIndex(randomBytes(32)));
  return {
    population,
    sims,
    database,
    idIndex,
    deps: { db: database.db, sources: sources as ProfileSources, idIndex, now: () => now },
    close: async () => {
      await Promise.all(DEPT_SOURCE_KEYS.map((s) => sims[s].close()));
      await database.close();
      await env.cleanup();
    },
  };
}

/** The first person of the population for whom `test` holds. */
export function findPerson(population: Population, test: (idNumber: string) => boolean): string {
  for (const p of population.persons()) if (test(p.idNumber)) return p.idNumber;
  throw new Error('no such person in the test population');
}
