// Per-test setup of the connectors' access-token tests: a fresh simulator and a client on a recording cache.
import type { SimulatorStats } from '../simulator/request-stats';
import type { TokenCache } from '../transport/token-cache';
import { createRecordingTokenCache, type TokenCacheWrite } from './recording-token-cache';

/** What the harness needs of a simulator. */
export interface HarnessSimulator {
  listen(port: number): Promise<string>;
  stats(): SimulatorStats;
  advanceClock(seconds: number): void;
}

export interface AccessTokenHarness<S, C> {
  sim: S;
  client: C;
  /** Every write to the client's token cache. */
  sets: TokenCacheWrite[];
  /** Requests the simulator counted on `path`. */
  calls(path: string): number;
  /** Move the simulator's clock and the cache's clock together. */
  advance(seconds: number): void;
}

/** Start `createSim()` and a client on it (`createClient(apiBase, tokenCache)`) with a recording cache. */
export async function startAccessTokenHarness<S extends HarnessSimulator, C>(
  createSim: () => S,
  createClient: (apiBase: string, tokenCache: TokenCache) => C,
): Promise<AccessTokenHarness<S, C>> {
  const sets: TokenCacheWrite[] = [];
  let cacheClockOffsetMs = 0;
  const sim = createSim();
  const apiBase = await sim.listen(0);
  const tokenCache = createRecordingTokenCache(sets, () => Date.now() + cacheClockOffsetMs);
  const client = createClient(apiBase, tokenCache);
  return {
    sim,
    client,
    sets,
    calls: (path) => sim.stats().byPath[path] ?? 0,
    advance: (seconds) => {
      sim.advanceClock(seconds);
      cacheClockOffsetMs += seconds * 1000;
    },
  };
}
