import type { FaultRegistry, SimulatorFault } from './faults';

/** Thrown by a sandbox route for bad input; the server answers HTTP 400 `{error: message}`. */
export class BadRequest extends Error {}

/** Upper bound of one `POST /__sandbox/clock` step. */
export const MAX_ADVANCE_SECONDS = 10 * 366 * 86_400;

/** The simulator clock as the sandbox clock endpoint sees it. */
export interface SandboxClock {
  advanceClock(seconds: number): void;
  now(): number;
}

/** `POST /__sandbox/clock {advanceSeconds}` → `{now}`. */
export function sandboxAdvanceClock(clock: SandboxClock, body: Record<string, unknown> | null) {
  const seconds = body?.advanceSeconds;
  if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= MAX_ADVANCE_SECONDS)) {
    throw new BadRequest('advanceSeconds must be a number >= 0');
  }
  clock.advanceClock(seconds);
  return { now: clock.now() };
}

/** `POST /__sandbox/faults`: validate with `parse` (an error text or the fault) and queue it. */
export function sandboxAddFault<F extends SimulatorFault>(
  faults: FaultRegistry<F>,
  parse: (input: unknown) => F | string,
  input: unknown,
) {
  const fault = parse(input);
  if (typeof fault === 'string') throw new BadRequest(fault);
  faults.add(fault);
  return { ok: true };
}

/** `DELETE /__sandbox/faults`. */
export function sandboxClearFaults(faults: FaultRegistry<SimulatorFault>) {
  faults.clear();
  return { ok: true };
}
