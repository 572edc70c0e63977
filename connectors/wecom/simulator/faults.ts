import type { FaultRegistry as SharedFaultRegistry, SimulatorFault } from '../../core/simulator/faults';

export { createFaultRegistry, MAX_FAULT_LATENCY_MS } from '../../core/simulator/faults';
export { parseFault } from '../../core/simulator/parse-fault';

/**
 * A fault for the next `times` calls to `path`: wait `latencyMs` first, then either destroy the socket
 * (`drop`), answer `{errcode, errmsg}` with HTTP 200, or (latency only) answer normally.
 */
export type WecomSimulatorFault = SimulatorFault;

export type FaultRegistry = SharedFaultRegistry<WecomSimulatorFault>;
