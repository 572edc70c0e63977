import { MAX_FAULT_LATENCY_MS, type SimulatorFault } from './faults';

/** One optional field of a fault description, as the sandbox `POST /__sandbox/faults` accepts it. */
export interface FaultField {
  name: string;
  /** Error text for a present but bad value, or undefined when it is fine. */
  check(value: unknown): string | undefined;
  /**
   * Whether setting the field gives the fault something to do: `'value'` when present, `'true'` only
   * when `true` (flags such as `drop`). Absent for modifiers (`times`, DingTalk's `subCode`).
   */
  acts?: 'value' | 'true';
}

export const ERRCODE_FIELD: FaultField = {
  name: 'errcode',
  check: (value) => (Number.isSafeInteger(value) ? undefined : 'errcode must be an integer'),
  acts: 'value',
};

export const LATENCY_FIELD: FaultField = {
  name: 'latencyMs',
  check: (value) =>
    typeof value !== 'number' || !(value >= 0 && value <= MAX_FAULT_LATENCY_MS)
      ? `latencyMs must be 0..${MAX_FAULT_LATENCY_MS}`
      : undefined,
  acts: 'value',
};

/** A boolean flag that makes the fault act when `true` (e.g. `drop`). */
export function flagField(name: string): FaultField {
  return {
    name,
    check: (value) => (typeof value === 'boolean' ? undefined : `${name} must be a boolean`),
    acts: 'true',
  };
}

export const DROP_FIELD: FaultField = flagField('drop');

export const TIMES_FIELD: FaultField = {
  name: 'times',
  check: (value) =>
    Number.isSafeInteger(value) && (value as number) >= 1 ? undefined : 'times must be a positive integer',
};

/** The fields of {@link SimulatorFault}, in the order they are checked. */
export const BASE_FAULT_FIELDS: readonly FaultField[] = [
  ERRCODE_FIELD,
  LATENCY_FIELD,
  DROP_FIELD,
  TIMES_FIELD,
];

/**
 * Validate an untrusted fault description (sandbox endpoint); returns an error text or the fault.
 * `path` is always checked first, then `fields` in order; at least one acting field must be set.
 */
export function parseFault<F extends SimulatorFault = SimulatorFault>(
  input: unknown,
  fields: readonly FaultField[] = BASE_FAULT_FIELDS,
): F | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'body must be an object';
  const raw = input as Record<string, unknown>;
  const path = raw.path;
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 256) return 'path must start with /';
  for (const field of fields) {
    const value = raw[field.name];
    const error = value === undefined ? undefined : field.check(value);
    if (error !== undefined) return error;
  }
  const acting = fields.filter((field) => field.acts !== undefined);
  const acts = acting.some((field) =>
    field.acts === 'true' ? raw[field.name] === true : raw[field.name] !== undefined,
  );
  if (!acts) return `one of ${acting.map((field) => field.name).join(', ')} is required`;
  const fault: Record<string, unknown> = { path };
  for (const field of fields) {
    const value = raw[field.name];
    if (value !== undefined) fault[field.name] = value;
  }
  return fault as F;
}
