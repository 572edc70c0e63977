/**
 * A fault for the next `times` calls to `path`: wait `latencyMs` first, then either destroy the socket
 * (`drop`), answer `{errcode, errmsg}` with HTTP 200, or (latency only) answer normally.
 */
export interface WecomSimulatorFault {
  path: string;
  errcode?: number;
  latencyMs?: number;
  drop?: boolean;
  /** Default 1. */
  times?: number;
}

export interface FaultRegistry {
  add(fault: WecomSimulatorFault): void;
  clear(): void;
  /** Consume one use of the first pending fault for `path`, if any. */
  take(path: string): WecomSimulatorFault | undefined;
}

export const MAX_FAULT_LATENCY_MS = 60_000;

export function createFaultRegistry(): FaultRegistry {
  const pending = new Map<string, { fault: WecomSimulatorFault; remaining: number }[]>();
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

/** Validate an untrusted fault description (sandbox endpoint); returns an error text or the fault. */
export function parseFault(input: unknown): WecomSimulatorFault | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'body must be an object';
  const { path, errcode, latencyMs, drop, times } = input as Record<string, unknown>;
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 256) return 'path must start with /';
  if (errcode !== undefined && !Number.isSafeInteger(errcode)) return 'errcode must be an integer';
  if (
    latencyMs !== undefined &&
    (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= MAX_FAULT_LATENCY_MS))
  ) {
    return `latencyMs must be 0..${MAX_FAULT_LATENCY_MS}`;
  }
  if (drop !== undefined && typeof drop !== 'boolean') return 'drop must be a boolean';
  if (times !== undefined && (!Number.isSafeInteger(times) || (times as number) < 1)) {
    return 'times must be a positive integer';
  }
  if (errcode === undefined && latencyMs === undefined && drop !== true) {
    return 'one of errcode, latencyMs, drop is required';
  }
  const fault: WecomSimulatorFault = { path };
  if (errcode !== undefined) fault.errcode = errcode as number;
  if (latencyMs !== undefined) fault.latencyMs = latencyMs;
  if (drop !== undefined) fault.drop = drop;
  if (times !== undefined) fault.times = times as number;
  return fault;
}
