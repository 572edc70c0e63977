import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultRegistry, SimulatorFault } from './faults';
import { MAX_BODY_BYTES, parseJsonObject, readBody, sendJson } from './http-io';
import { delayOrDrop } from './inject-fault';
import { countRequest, type SimulatorStats } from './request-stats';
import { BadRequest, type SandboxRoutes, type SimulatorRequest } from './sandbox';

export type { SimulatorRequest };

/** An HTTP status and a JSON body. */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

export interface RequestHandlerOptions<F extends SimulatorFault> {
  faults: FaultRegistry<F>;
  stats: SimulatorStats;
  /** Paths counted under their own name in `stats` (the rest under `(unknown)`). */
  knownPaths: Set<string>;
  /** Timers of delayed answers, cleared when the simulator closes. */
  timers: Set<NodeJS.Timeout>;
  /** Routes under `/__sandbox/`, keyed `'METHOD /path'`. */
  sandbox: SandboxRoutes;
  /** The platform's answer to a fault that fired (after its latency), or undefined to answer normally. */
  answerFault(fault: F): JsonAnswer | undefined;
  /** The HTTP 200 body of a wire route, or undefined when `key` (`'METHOD /path'`) is no wire route. */
  routeWire(key: string, path: string, request: SimulatorRequest): Record<string, unknown> | undefined;
  /** The answer to a path that is neither a sandbox nor a wire route. */
  unknownPath(path: string): JsonAnswer;
  /** The HTTP 500 body when a route throws. */
  systemError(): unknown;
}

/**
 * The request flow of a simulator: count the request, read the body, then dispatch sandbox routes
 * (HTTP 404/400/200), else take a fault (latency, drop, the platform's fault answer), else the wire
 * route, else the unknown-path answer.
 */
export function createSimulatorRequestHandler<F extends SimulatorFault>(options: RequestHandlerOptions<F>) {
  const { faults, sandbox } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      return sendJson(res, 400, { error: 'bad request line' });
    }
    const path = url.pathname;
    countRequest(options.stats, options.knownPaths, path);
    const isSandbox = path.startsWith('/__sandbox/');

    const raw = await readBody(req);
    const body = raw === null ? null : parseJsonObject(raw);
    const key = `${req.method} ${path}`;

    if (isSandbox) {
      const route = sandbox[key];
      if (!route) return sendJson(res, 404, { error: 'not found' });
      if (raw === null) return sendJson(res, 400, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });
      try {
        return sendJson(res, 200, route({ query: url.searchParams, body }));
      } catch (error) {
        if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
        throw error;
      }
    }

    const fault = faults.take(path);
    if (await delayOrDrop(fault, req, res, options.timers)) return;
    const faultAnswer = fault === undefined ? undefined : options.answerFault(fault);
    if (faultAnswer) return sendJson(res, faultAnswer.status, faultAnswer.body);

    const wireAnswer = options.routeWire(key, path, { query: url.searchParams, body });
    if (wireAnswer) return sendJson(res, 200, wireAnswer);
    const unknown = options.unknownPath(path);
    return sendJson(res, unknown.status, unknown.body);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, options.systemError());
    });
  };
}
