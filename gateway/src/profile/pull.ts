import {
  DEPT_BATCH_LIMIT,
  DEPT_SOURCE_KEYS,
  type DeptClient,
  type DeptRecordMap,
  type DeptSourceKey,
} from '@gcrm/connectors/dept-data';
import type { PulledRecords } from './observations';

/** One client per department source (人社's has no feed). */
export type ProfileSources = { [S in DeptSourceKey]: DeptClient<S> };

/**
 * Pulls every source's record of each person with batch calls (≤100 ID numbers each), skipping the
 * (person, source) pairs `use` refuses. A source error propagates: the caller retries later.
 */
export async function pullRecords(
  sources: ProfileSources,
  idNumbers: readonly string[],
  use: (idNumber: string, source: DeptSourceKey) => boolean,
): Promise<Map<string, PulledRecords>> {
  const out = new Map<string, PulledRecords>(idNumbers.map((id) => [id, {}]));
  await Promise.all(
    DEPT_SOURCE_KEYS.map(async (source) => {
      const wanted = [...out.keys()].filter((id) => use(id, source));
      const client = sources[source] as DeptClient<DeptSourceKey>;
      for (let i = 0; i < wanted.length; i += DEPT_BATCH_LIMIT) {
        const items = await client.batchGet(wanted.slice(i, i + DEPT_BATCH_LIMIT));
        for (const item of items) {
          const pulled = out.get(item.idNumber);
          if (pulled) (pulled as Record<string, DeptRecordMap[DeptSourceKey] | null>)[source] = item.data;
        }
      }
    }),
  );
  return out;
}
