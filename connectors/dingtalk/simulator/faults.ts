/**
 * A fault for the next `times` calls to `path`: wait `latencyMs` first, then either destroy the socket
 * (`drop`), answer the x5 IP-ban body (`x5`), answer `{errcode, sub_code?}` with HTTP 200, or (latency
 * only) answer normally.
 */
export interface DingtalkSimulatorFault {
  path: string;
  errcode?: number;
  /** `sub_code` to send with errcode 88, e.g. `'40014'`. */
  subCode?: string;
  latencyMs?: number;
  drop?: boolean;
  /** Answer `{"status":1111,"wait":5,"source":"x5","punish":"deny",…}` (platforms.md §2.7). */
  x5?: boolean;
  /** Default 1. */
  times?: number;
}

export interface FaultRegistry {
  add(fault: DingtalkSimulatorFault): void;
  clear(): void;
  /** Consume one use of the first pending fault for `path`, if any. */
  take(path: string): DingtalkSimulatorFault | undefined;
}

export const MAX_FAULT_LATENCY_MS = 60_000;

export function createFaultRegistry(): FaultRegistry {
  const pending = new Map<string, { fault: DingtalkSimulatorFault; remaining: number }[]>();
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
export function parseFault(input: unknown): DingtalkSimulatorFault | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'body must be an object';
  const { path, errcode, subCode, latencyMs, drop, x5, times } = input as Record<string, unknown>;
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 256) return 'path must start with /';
  if (errcode !== undefined && !Number.isSafeInteger(errcode)) return 'errcode must be an integer';
  if (subCode !== undefined && (typeof subCode !== 'string' || subCode.length > 32))
    return 'subCode must be a string';
  if (
    latencyMs !== undefined &&
    (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= MAX_FAULT_LATENCY_MS))
  ) {
    return `latencyMs must be 0..${MAX_FAULT_LATENCY_MS}`;
  }
  if (drop !== undefined && typeof drop !== 'boolean') return 'drop must be a boolean';
  if (x5 !== undefined && typeof x5 !== 'boolean') return 'x5 must be a boolean';
  if (times !== undefined && (!Number.isSafeInteger(times) || (times as number) < 1)) {
    return 'times must be a positive integer';
  }
  if (errcode === undefined && latencyMs === undefined && drop !== true && x5 !== true) {
    return 'one of errcode, latencyMs, drop, x5 is required';
  }
  const fault: DingtalkSimulatorFault = { path };
  if (errcode !== undefined) fault.errcode = errcode as number;
  if (subCode !== undefined) fault.subCode = subCode as string;
  if (latencyMs !== undefined) fault.latencyMs = latencyMs;
  if (drop !== undefined) fault.drop = drop;
  if (x5 !== undefined) fault.x5 = x5;
  if (times !== undefined) fault.times = times as number;
  return fault;
}
