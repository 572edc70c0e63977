import type { FaultRegistry, SimulatorFault } from './faults';

/** Thrown by a sandbox route for bad input; the server answers HTTP 400 `{error: message}`. */
export class BadRequest extends Error {}

/** A request as routes see it. */
export interface SimulatorRequest {
  query: URLSearchParams;
  /** The JSON body as an object; `{}` when empty; null when it is not a JSON object. */
  body: Record<string, unknown> | null;
}

/** Sandbox routes keyed `'METHOD /path'`; each returns the HTTP 200 body or throws {@link BadRequest}. */
export type SandboxRoutes = Record<string, (request: SimulatorRequest) => unknown>;

/** Run `action`; whatever it throws becomes a {@link BadRequest} with the same message. */
export function badRequestOnThrow<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new BadRequest((error as Error).message);
  }
}

/** A sandbox auth-code answer: `{code, expires_in}`; a failure of `mint` is a {@link BadRequest}. */
export function sandboxMintCode(mint: () => string, ttlSeconds: number) {
  return { code: badRequestOnThrow(mint), expires_in: ttlSeconds };
}

/** The simulator organisation as the sandbox org endpoints see it. */
export interface SandboxOrg {
  getOrg(): unknown;
  /** Replace the organisation; throws (any error) on invalid input. */
  setOrg(input: unknown): void;
}

/** `GET /__sandbox/org` → the organisation; `PUT /__sandbox/org` replaces it → `{ok: true}`. */
export function sandboxOrgRoutes(org: SandboxOrg): SandboxRoutes {
  return {
    'GET /__sandbox/org': () => org.getOrg(),
    'PUT /__sandbox/org': ({ body }) => {
      badRequestOnThrow(() => org.setOrg(body));
      return { ok: true };
    },
  };
}

/** `POST /__sandbox/clock`, `POST|DELETE /__sandbox/faults` and, with `org`, `GET|PUT /__sandbox/org`. */
export function sandboxCommonRoutes<F extends SimulatorFault>(options: {
  clock: SandboxClock;
  faults: FaultRegistry<F>;
  parseFault: (input: unknown) => F | string;
  org?: SandboxOrg;
}): SandboxRoutes {
  const { clock, faults, parseFault, org } = options;
  return {
    'POST /__sandbox/clock': ({ body }) => sandboxAdvanceClock(clock, body),
    'POST /__sandbox/faults': ({ body }) => sandboxAddFault(faults, parseFault, body),
    'DELETE /__sandbox/faults': () => sandboxClearFaults(faults),
    ...(org ? sandboxOrgRoutes(org) : {}),
  };
}

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
