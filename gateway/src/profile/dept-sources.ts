import type { AppConfig } from '@gcrm/config';
import type { TokenCache } from '@gcrm/connectors/core';
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
import type { ProfileSources } from './pull';

/** The six department sources of the profile, and the in-process simulators standing in for some. */
export interface DeptSources {
  /** Undefined when some source is neither configured nor simulated (production without it): no profile. */
  sources?: ProfileSources;
  simulators: Partial<{ [S in DeptSourceKey]: DeptSimulator<S> }>;
  /** The simulators' fictitious population (development). */
  population?: Population;
  /** Sources neither configured nor simulated. */
  missing: DeptSourceKey[];
  close(): Promise<void>;
}

/**
 * Clients for the sources configured in DEPT_DATA_API_BASES; in development (embedded), an in-process
 * simulator for each source without a base, all sharing one fictitious population (DEPT_POPULATION_SIZE,
 * as of the first day of `asOf`'s month, so that it is the same all month long).
 */
export async function openDeptSources(
  config: AppConfig['deptData'],
  options: { embedded: boolean; tokenCache: TokenCache; asOf?: string },
): Promise<DeptSources> {
  const simulators: DeptSources['simulators'] = {};
  const missing: DeptSourceKey[] = [];
  let population: Population | undefined;
  const clients: Partial<Record<DeptSourceKey, unknown>> = {};
  for (const source of DEPT_SOURCE_KEYS) {
    let apiBase = config.apiBases[source];
    let app = { appKey: config.appKey ?? '', appSecret: config.appSecret ?? '' };
    if (!apiBase) {
      if (!options.embedded) {
        missing.push(source);
        continue;
      }
      population ??= createPopulation({
        seed: 1,
        size: config.populationSize,
        ...(options.asOf ? { asOf: options.asOf } : {}),
      });
      const sim = createDeptSimulator(source, { population });
      (simulators as Record<string, DeptSimulator>)[source] = sim;
      apiBase = await sim.listen(0, '127.0.0.1');
      app = DEMO_DEPT_APP;
    }
    clients[source] = createDeptClient(source, { ...app, apiBase }, { tokenCache: options.tokenCache });
  }
  return {
    ...(missing.length === 0 ? { sources: clients as ProfileSources } : {}),
    simulators,
    ...(population ? { population } : {}),
    missing,
    close: async () => {
      await Promise.all(Object.values(simulators).map((s) => s.close()));
    },
  };
}
