export {
  createFaultRegistry,
  type FaultRegistry,
  MAX_FAULT_LATENCY_MS,
  type SimulatorFault,
} from '../../core/simulator/faults';
export { parseFault } from '../../core/simulator/parse-fault';
