import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJsonObject, readBody, sendJson } from '../../core/simulator/http-io';
import { BadRequest, type SandboxRoutes, sandboxAdvanceClock } from '../../core/simulator/sandbox';
import { OPEN_CONNECTION_PATH } from './open-connection';
import { StreamGatewaySimulator, type StreamGatewaySimulatorOptions } from './simulator';

/** A standalone Stream gateway simulator on its own HTTP server. */
export interface RunningStreamGateway {
  /** `http://127.0.0.1:port`: the `apiBase` for {@link createStreamClient}. */
  url: string;
  simulator: StreamGatewaySimulator;
  close(): Promise<void>;
}

/**
 * Run a {@link StreamGatewaySimulator} on its own server (127.0.0.1, any free port): `POST
 * /v1.0/gateway/connections/open`, the WebSocket path `/connect`, and the {@link streamSandboxRoutes}.
 */
export async function startStreamGatewaySimulator(
  options: StreamGatewaySimulatorOptions & {
    credentials: { clientId: string; clientSecret: string } | { clientId: string; clientSecret: string }[];
  },
): Promise<RunningStreamGateway> {
  const { credentials, ...simOptions } = options;
  const apps = Array.isArray(credentials) ? credentials : [credentials];
  const simulator = new StreamGatewaySimulator(simOptions);
  const auth = {
    checkCredentials: (clientId: string, secret: string) =>
      apps.some((app) => app.clientId === clientId && app.clientSecret === secret),
  };
  const sandbox = streamSandboxRoutes(simulator);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const raw = await readBody(req);
    const body = raw === null ? null : parseJsonObject(raw);
    const key = `${req.method} ${url.pathname}`;
    if (key === `POST ${OPEN_CONNECTION_PATH}`) {
      const answer = simulator.handleOpen(body, auth);
      return sendJson(res, answer.status, answer.body);
    }
    const route = sandbox[key];
    if (route === undefined) {
      return sendJson(res, 404, {
        code: 'InvalidAction.NotFound',
        message: 'Specified api is not found, please check your url and method.',
        requestid: randomUUID().toUpperCase(),
      });
    }
    try {
      return sendJson(res, 200, route({ query: url.searchParams, body }));
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
      throw error;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed)
        sendJson(res, 500, { code: 'systemError', message: '系统错误' });
    });
  });
  simulator.attach(server, '/connect');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    simulator,
    async close() {
      await simulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Test-only control endpoints (they do not exist on the real platform), mountable on any simulator server:
 * - `POST /__sandbox/stream/events {eventType, eventId?, corpId?, bornTime?, data?}` → `{eventId}`
 * - `GET /__sandbox/stream/deliveries` → `{deliveries, pending}`
 * - `GET /__sandbox/stream/connections` → `{connections}`
 * - `POST /__sandbox/stream/disconnect {connectionId?, reason?}` → `{connections}` (how many were told)
 * - `POST /__sandbox/stream/drop {connectionId?}` → `{dropped}`
 * - `POST /__sandbox/stream/faults {duplicate?, reorder?}` → `{ok: true}`
 * - `POST /__sandbox/stream/clock {advanceSeconds}` → `{now}` (ticket clock)
 */
export function streamSandboxRoutes(sim: StreamGatewaySimulator): SandboxRoutes {
  return {
    'POST /__sandbox/stream/events': ({ body }) => {
      const input = body ?? {};
      if (typeof input.eventType !== 'string' || input.eventType === '') {
        throw new BadRequest('eventType must be a non-empty string');
      }
      const data = input.data ?? {};
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new BadRequest('data must be an object');
      }
      const eventId = optionalText(input.eventId, 'eventId') ?? randomUUID().replaceAll('-', '');
      const bornTime = input.bornTime ?? Date.now();
      if (typeof bornTime !== 'number' || !Number.isFinite(bornTime))
        throw new BadRequest('bornTime must be a number');
      sim.publish({
        eventType: input.eventType,
        eventId,
        corpId: optionalText(input.corpId, 'corpId') ?? '',
        bornTime,
        data: data as Record<string, unknown>,
      });
      return { eventId };
    },
    'GET /__sandbox/stream/deliveries': () => ({ deliveries: sim.deliveries(), pending: sim.pending() }),
    'GET /__sandbox/stream/connections': () => ({ connections: sim.connections() }),
    'POST /__sandbox/stream/disconnect': ({ body }) => ({
      connections: sim.sendDisconnect(
        optionalText(body?.connectionId, 'connectionId'),
        optionalText(body?.reason, 'reason'),
      ),
    }),
    'POST /__sandbox/stream/drop': ({ body }) => ({
      dropped: sim.dropConnections(optionalText(body?.connectionId, 'connectionId')),
    }),
    'POST /__sandbox/stream/faults': ({ body }) => {
      const duplicate = body?.duplicate;
      if (duplicate !== undefined) {
        if (
          typeof duplicate !== 'number' ||
          !Number.isInteger(duplicate) ||
          duplicate < 0 ||
          duplicate > 1000
        ) {
          throw new BadRequest('duplicate must be an integer 0..1000');
        }
        sim.duplicateNext(duplicate);
      }
      const reorder = body?.reorder;
      if (reorder !== undefined) {
        if (typeof reorder !== 'boolean') throw new BadRequest('reorder must be a boolean');
        sim.setReorder(reorder);
      }
      return { ok: true };
    },
    'POST /__sandbox/stream/clock': ({ body }) => sandboxAdvanceClock(sim, body),
  };
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 256)
    throw new BadRequest(`${name} must be a string`);
  return value;
}
