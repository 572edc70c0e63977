export interface SimulatorStats {
  total: number;
  /** Requests per URL path (unknown paths are counted under `(unknown)`). */
  byPath: Record<string, number>;
}

/** The paths of route tables keyed `'METHOD /path'`. */
export function routePaths(...tables: Record<string, unknown>[]): Set<string> {
  return new Set(tables.flatMap((table) => Object.keys(table)).map((key) => key.slice(key.indexOf(' ') + 1)));
}

/** Count one request to `path` (under `(unknown)` when it is not in `knownPaths`). */
export function countRequest(stats: SimulatorStats, knownPaths: Set<string>, path: string): void {
  stats.total += 1;
  const statsKey = knownPaths.has(path) ? path : '(unknown)';
  stats.byPath[statsKey] = (stats.byPath[statsKey] ?? 0) + 1;
}

/** A copy for callers outside the simulator. */
export function copyStats(stats: SimulatorStats): SimulatorStats {
  return { total: stats.total, byPath: { ...stats.byPath } };
}
