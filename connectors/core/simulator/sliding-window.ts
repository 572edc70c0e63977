/** A per-key rate limiter on the simulator clock. */
export interface SlidingWindow {
  /** Record a hit and return true, or return false (nothing recorded) when the window is full. */
  take(key: string): boolean;
  reset(): void;
}

interface Hits {
  at: number[];
  /** Index of the oldest hit still inside the window (older ones are dropped lazily). */
  head: number;
}

/** Sliding-window counters: at most `limit` hits per key in any `windowMs`, on the simulator clock. */
export function createSlidingWindow(limit: number, windowMs: number, now: () => number): SlidingWindow {
  const hits = new Map<string, Hits>();
  return {
    take(key: string): boolean {
      const at = now();
      let h = hits.get(key);
      if (!h) {
        h = { at: [], head: 0 };
        hits.set(key, h);
      }
      // Hits arrive in clock order, so expiry is a moving head: O(1) amortised per call.
      while (h.head < h.at.length && (h.at[h.head] as number) <= at - windowMs) h.head++;
      if (h.head > 1024 && h.head * 2 > h.at.length) {
        h.at = h.at.slice(h.head);
        h.head = 0;
      }
      if (h.at.length - h.head >= limit) return false;
      h.at.push(at);
      return true;
    },
    reset(): void {
      hits.clear();
    },
  };
}
