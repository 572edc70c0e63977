/** A per-key rate limiter on the simulator clock. */
export interface SlidingWindow {
  /** Record a hit and return true, or return false (nothing recorded) when the window is full. */
  take(key: string): boolean;
  reset(): void;
}

/** Sliding-window counters: at most `limit` hits per key in any `windowMs`, on the simulator clock. */
export function createSlidingWindow(limit: number, windowMs: number, now: () => number): SlidingWindow {
  const hits = new Map<string, number[]>();
  return {
    take(key: string): boolean {
      const at = now();
      const recent = (hits.get(key) ?? []).filter((t) => t > at - windowMs);
      if (recent.length >= limit) {
        hits.set(key, recent);
        return false;
      }
      recent.push(at);
      hits.set(key, recent);
      return true;
    },
    reset(): void {
      hits.clear();
    },
  };
}
