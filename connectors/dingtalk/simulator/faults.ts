import type { FaultRegistry as SharedFaultRegistry, SimulatorFault } from '../../core/simulator/faults';
import {
  DROP_FIELD,
  ERRCODE_FIELD,
  type FaultField,
  flagField,
  LATENCY_FIELD,
  parseFault as parseSharedFault,
  TIMES_FIELD,
} from '../../core/simulator/parse-fault';

export { createFaultRegistry, MAX_FAULT_LATENCY_MS } from '../../core/simulator/faults';

/**
 * A fault for the next `times` calls to `path`: wait `latencyMs` first, then either destroy the socket
 * (`drop`), answer the x5 IP-ban body (`x5`), answer `{errcode, sub_code?}` with HTTP 200, or (latency
 * only) answer normally.
 */
export interface DingtalkSimulatorFault extends SimulatorFault {
  /** `sub_code` to send with errcode 88, e.g. `'40014'`. */
  subCode?: string;
  /** Answer `{"status":1111,"wait":5,"source":"x5","punish":"deny",…}` (platforms.md §2.7). */
  x5?: boolean;
  /**
   * v1.0 paths only: answer HTTP `status` (default 400) `{code, message, requestid}` with this `code`,
   * e.g. `systemError` with status 500. An `errcode` on a v1.0 path is translated instead (90018 →
   * 403 QpsLimitForAppkeyAndApi, -1 → 500 systemError, …).
   */
  code?: string;
  /** HTTP status for `code` (400–599). */
  status?: number;
}

export type FaultRegistry = SharedFaultRegistry<DingtalkSimulatorFault>;

const SUB_CODE_FIELD: FaultField = {
  name: 'subCode',
  check: (value) =>
    typeof value === 'string' && value.length <= 32 ? undefined : 'subCode must be a string',
};

const CODE_FIELD: FaultField = {
  name: 'code',
  check: (value) =>
    typeof value === 'string' && value !== '' && value.length <= 128 ? undefined : 'code must be a string',
  acts: 'value',
};

const STATUS_FIELD: FaultField = {
  name: 'status',
  check: (value) =>
    Number.isSafeInteger(value) && (value as number) >= 400 && (value as number) <= 599
      ? undefined
      : 'status must be 400..599',
};

const FIELDS: readonly FaultField[] = [
  ERRCODE_FIELD,
  SUB_CODE_FIELD,
  CODE_FIELD,
  STATUS_FIELD,
  LATENCY_FIELD,
  DROP_FIELD,
  flagField('x5'),
  TIMES_FIELD,
];

/** Validate an untrusted fault description (sandbox endpoint); returns an error text or the fault. */
export function parseFault(input: unknown): DingtalkSimulatorFault | string {
  return parseSharedFault<DingtalkSimulatorFault>(input, FIELDS);
}
