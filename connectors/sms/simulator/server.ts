import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFaultRegistry, type SimulatorFault } from '../../core/simulator/faults';
import { MAX_BODY_BYTES, parseJsonObject, readBody, sendJson } from '../../core/simulator/http-io';
import { delayOrDrop } from '../../core/simulator/inject-fault';
import { BASE_FAULT_FIELDS, type FaultField, parseFault } from '../../core/simulator/parse-fault';
import { countRequest, routePaths, type SimulatorStats } from '../../core/simulator/request-stats';
import { BadRequest, type SandboxRoutes, sandboxCommonRoutes } from '../../core/simulator/sandbox';
import type { SmsState } from './state';

/** A fault on one RPC action: `path` is `/<Action>` (e.g. `/SendSms`), `code` a Dysmsapi error code. */
export interface SmsSimulatorFault extends SimulatorFault {
  code?: string;
}

const CODE_FIELD: FaultField = {
  name: 'code',
  check: (value) =>
    typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(value)
      ? undefined
      : 'code must be an error code',
  acts: 'value',
};
const FAULT_FIELDS = [CODE_FIELD, ...BASE_FAULT_FIELDS.filter((field) => field.name !== 'errcode')];

export const parseSmsFault = (input: unknown) => parseFault<SmsSimulatorFault>(input, FAULT_FIELDS);
export const createSmsFaultRegistry = () => createFaultRegistry<SmsSimulatorFault>();

type Faults = ReturnType<typeof createSmsFaultRegistry>;

export function createSmsRequestHandler(deps: {
  state: SmsState;
  faults: Faults;
  stats: SimulatorStats;
  timers: Set<NodeJS.Timeout>;
}) {
  const { state, faults } = deps;
  const sandbox: SandboxRoutes = {
    'POST /__sandbox/templates': ({ body }) => state.addTemplate(body),
    'POST /__sandbox/sign-names': ({ body }) => state.addSignName(body),
    'POST /__sandbox/undeliverable': ({ body }) => state.markUndeliverable(body),
    'POST /__sandbox/balance': ({ body }) => state.setBalance(body),
    'GET /__sandbox/sms': ({ query }) => ({ messages: state.records(query.get('phone') ?? undefined) }),
    ...sandboxCommonRoutes({
      clock: { now: state.now, advanceClock: state.advanceClock },
      faults,
      parseFault: parseSmsFault,
    }),
  };
  const knownPaths = new Set(['/', ...routePaths(sandbox)]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      return sendJson(res, 400, state.answer('MissingParameter').body);
    }
    const path = url.pathname;
    countRequest(deps.stats, knownPaths, path);
    const raw = await readBody(req);

    if (path.startsWith('/__sandbox/')) {
      const route = sandbox[`${req.method} ${path}`];
      if (!route) return sendJson(res, 404, { error: 'not found' });
      if (raw === null) return sendJson(res, 400, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });
      try {
        return sendJson(res, 200, route({ query: url.searchParams, body: parseJsonObject(raw) }));
      } catch (error) {
        if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
        throw error;
      }
    }
    if (path !== '/' || (req.method !== 'GET' && req.method !== 'POST')) {
      return sendJson(res, 404, state.answer('InvalidAction.NotFound').body);
    }
    if (raw === null) return sendJson(res, 400, state.answer('MissingParameter').body);
    // RPC parameters come in the query (GET) or a form body (POST); the signature covers all of them.
    const params: Record<string, string> = {};
    for (const [key, value] of url.searchParams) params[key] = value;
    if (req.method === 'POST')
      for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) params[key] = value;

    const action = params.Action ?? '';
    const fault = /^[A-Za-z]{1,64}$/.test(action) ? faults.take(`/${action}`) : undefined;
    if (await delayOrDrop(fault, req, res, deps.timers)) return;
    if (fault?.code !== undefined) {
      const answer = state.answer(fault.code);
      return sendJson(res, answer.status, answer.body);
    }
    const refused = state.authenticate(req.method, params);
    if (refused) return sendJson(res, refused.status, refused.body);
    const answer =
      action === 'SendSms'
        ? state.sendSms(params)
        : action === 'QuerySendDetails'
          ? state.querySendDetails(params)
          : state.answer('InvalidAction.NotFound');
    return sendJson(res, answer.status, answer.body);
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, state.answer('InternalError').body);
    });
  };
}
