import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimulatorFault } from './faults';

/**
 * Apply a fault's `latencyMs` and `drop`. Resolves true when the request is finished (the client went
 * away during the delay, or the socket was dropped); otherwise the caller answers it (with the fault's
 * errcode, or normally). `timers` holds the pending delay so closing the simulator can cancel it.
 */
export async function delayOrDrop(
  fault: SimulatorFault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  timers: Set<NodeJS.Timeout>,
): Promise<boolean> {
  if (fault?.latencyMs) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, fault.latencyMs);
      timers.add(timer);
    });
    if (res.destroyed) return true;
  }
  if (fault?.drop) {
    req.socket.destroy();
    return true;
  }
  return false;
}
