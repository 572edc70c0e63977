/**
 * The fault every simulator understands: for the next `times` calls to `path`, wait `latencyMs` first,
 * then either destroy the socket (`drop`), answer `errcode` in the platform's error body with HTTP 200,
 * or (latency only) answer normally. Platforms extend it with their own kinds (DingTalk's `x5`).
 */
export interface SimulatorFault {
  path: string;
  errcode?: number;
  latencyMs?: number;
  drop?: boolean;
  /** Default 1. */
  times?: number;
}

/** Pending faults per path, consumed in the order they were added. */
export interface FaultRegistry<F extends SimulatorFault = SimulatorFault> {
  add(fault: F): void;
  clear(): void;
  /** Consume one use of the first pending fault for `path`, if any. */
  take(path: string): F | undefined;
}

export const MAX_FAULT_LATENCY_MS = 60_000;

export function createFaultRegistry<F extends SimulatorFault = SimulatorFault>(): FaultRegistry<F> {
  const pending = new Map<string, { fault: F; remaining: number }[]>();
  return {
    add(fault) {
      const list = pending.get(fault.path) ?? [];
      list.push({ fault, remaining: fault.times ?? 1 });
      pending.set(fault.path, list);
    },
    clear() {
      pending.clear();
    },
    take(path) {
      const list = pending.get(path);
      const head = list?.[0];
      if (!list || !head) return undefined;
      head.remaining -= 1;
      if (head.remaining <= 0) list.shift();
      if (list.length === 0) pending.delete(path);
      return head.fault;
    },
  };
}
