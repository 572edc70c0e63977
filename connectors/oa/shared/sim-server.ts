import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { type ChaosSettings, createSimulatorChaos, type SimulatorChaos } from '../../core/simulator/chaos';
import { createFaultRegistry, type FaultRegistry, type SimulatorFault } from '../../core/simulator/faults';
import { MAX_BODY_BYTES, parseJsonObject, readBody, sendJson } from '../../core/simulator/http-io';
import { delayOrDrop } from '../../core/simulator/inject-fault';
import { createSimulatorListener, type SimulatorListener } from '../../core/simulator/listener';
import {
  DROP_FIELD,
  type FaultField,
  LATENCY_FIELD,
  parseFault,
  TIMES_FIELD,
} from '../../core/simulator/parse-fault';
import { copyStats, countRequest, type SimulatorStats } from '../../core/simulator/request-stats';
import { BadRequest, type SandboxRoutes, sandboxCommonRoutes } from '../../core/simulator/sandbox';
import {
  createDocumentStore,
  type DocumentStore,
  parseDecision,
  parseDrift,
  type SimDecision,
  type SimDocument,
  type SimDrift,
} from './sim-documents';
import { createSimTokens, type SimTokens } from './sim-tokens';

/**
 * A fault of an OA simulator: for the next `times` calls to `path`, wait `latencyMs`, then drop the
 * socket (`drop`), answer a bare HTTP `status` (429 carries `retry-after: 1`), or answer the vendor's
 * named `error` (each simulator lists its names).
 */
export interface OaSimulatorFault extends SimulatorFault {
  status?: number;
  error?: string;
}

/** One request as the simulator received it (kept for test assertions; never logged). */
export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** A request as the wire routes see it. */
export interface WireRequest {
  method: string;
  path: string;
  /** Path and query string exactly as received. */
  target: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A wire answer: a string is sent as is (`contentType` default text/plain), anything else as JSON. */
export interface WireAnswer {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The parts every OA simulator shares; the vendor file adds its wire routes. */
export interface OaSimulatorCore {
  now(): number;
  advanceClock(seconds: number): void;
  documents: DocumentStore;
  tokens: SimTokens;
  faults: FaultRegistry<OaSimulatorFault>;
  received: ReceivedRequest[];
  stats: SimulatorStats;
  timers: Set<NodeJS.Timeout>;
  /** Set by {@link createOaSimulatorListener}. */
  chaos?: SimulatorChaos;
}

/** Per idempotency key (our case key sent to the OA): documents created with it. */
export type OaDocumentEffects = Record<string, { created: number; existing: number }>;

/** What every OA simulator offers tests besides its wire protocol. */
export interface OaSimulatorBase {
  /** Start listening (port 0 = any free port, host default `127.0.0.1`); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stop listening and drop open connections, delayed answers and pending callbacks. */
  close(): Promise<void>;
  /** Base URL; throws before {@link OaSimulatorBase.listen} resolved. */
  readonly url: string;
  advanceClock(seconds: number): void;
  setFault(fault: OaSimulatorFault): void;
  clearFaults(): void;
  /** Make every issued session token invalid (the next call gets the vendor's expiry answer). */
  expireTokens(): void;
  documents(): SimDocument[];
  /** Requests received on wire paths, oldest first. */
  received(): ReceivedRequest[];
  decide(externalId: string, decision: SimDecision): void;
  drift(externalId: string, drift: SimDrift): void;
  stats(): SimulatorStats;
  /**
   * Test-only chaos (same body as `PUT /__sandbox/chaos`; `null` turns it off): errors answer the
   * vendor's HTTP 5xx system error; the vendor's token paths are spared unless listed.
   */
  chaos(options: Partial<ChaosSettings> | null): void;
  readonly chaosControl: SimulatorChaos;
  /** Per case key (our idempotency key in the OA document): documents created, existing now. */
  documentEffects(): OaDocumentEffects;
}

const MAX_RECEIVED = 500;

export function createOaSimulatorCore(): OaSimulatorCore {
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  return {
    now,
    advanceClock: (seconds) => {
      offsetMs += seconds * 1000;
    },
    documents: createDocumentStore(now),
    tokens: createSimTokens(now),
    faults: createFaultRegistry<OaSimulatorFault>(),
    received: [],
    stats: { total: 0, byPath: {} },
    timers: new Set(),
  };
}

/** Fault fields: latency, drop, times, HTTP `status` (400..599) and one of `errorNames`. */
export function oaFaultFields(errorNames: readonly string[]): FaultField[] {
  return [
    LATENCY_FIELD,
    DROP_FIELD,
    TIMES_FIELD,
    {
      name: 'status',
      check: (value) =>
        Number.isSafeInteger(value) && (value as number) >= 400 && (value as number) <= 599
          ? undefined
          : 'status must be 400..599',
      acts: 'value',
    },
    {
      name: 'error',
      check: (value) =>
        typeof value === 'string' && errorNames.includes(value)
          ? undefined
          : `error must be one of ${errorNames.join(', ')}`,
      acts: 'value',
    },
  ];
}

export interface OaHandlerOptions {
  name: string;
  core: OaSimulatorCore;
  /** Wire paths counted under their own name in stats. */
  wirePaths: string[];
  errorNames: readonly string[];
  /** Vendor sandbox routes besides the shared ones. */
  sandbox?: SandboxRoutes;
  /** Called after a sandbox decision (the generic OA posts its callback). */
  onDecided?(doc: SimDocument): void;
  wire(request: WireRequest): WireAnswer | Promise<WireAnswer>;
  /** The vendor's answer to a named fault error. */
  faultError(name: string, request: WireRequest): WireAnswer;
  /** The vendor's answer to a fault with a bare HTTP status. */
  statusAnswer?(status: number): WireAnswer;
  /** The vendor's answer when a wire route throws (HTTP 5xx: also the chaos error answer). */
  systemError(): WireAnswer;
  /** The chaos error answer when it is not {@link OaHandlerOptions.systemError} (must be retryable). */
  chaosError?(): WireAnswer;
  /** Login / token paths chaos spares unless listed. */
  tokenPaths?: readonly string[];
}

function send(res: ServerResponse, answer: WireAnswer): void {
  if (res.destroyed) return;
  const isText = typeof answer.body === 'string';
  const text = isText ? (answer.body as string) : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type':
      answer.contentType ?? (isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
    'content-length': Buffer.byteLength(text),
    ...answer.headers,
  });
  res.end(text);
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.join(', ');
  }
  return out;
}

const DOCUMENT_ROUTE = /^\/__sandbox\/documents\/([^/]{1,128})\/(decide|drift)$/;

/**
 * The listener of an OA simulator: sandbox routes (shared + vendor), then faults, then the vendor's
 * wire routes; every wire request is recorded in `core.received`.
 *
 * Shared sandbox routes: `POST /__sandbox/clock {advanceSeconds}`, `POST|DELETE /__sandbox/faults`,
 * `POST /__sandbox/tokens/expire`, `GET /__sandbox/documents`, `GET /__sandbox/received`,
 * `POST /__sandbox/documents/{externalId}/decide {result, opinion?, approver?}`,
 * `POST /__sandbox/documents/{externalId}/drift {kind: closed|lost|status, state?}`,
 * `GET /__sandbox/effects` → `{documents: {caseKey: {created, existing}}}` (exactly-once checks), and
 * `PUT|GET|DELETE /__sandbox/chaos` (errors answer the vendor's HTTP 5xx; token paths are spared).
 */
export function createOaSimulatorListener(options: OaHandlerOptions): SimulatorListener {
  const { core } = options;
  const fields = oaFaultFields(options.errorNames);
  const sandbox: SandboxRoutes = {
    ...sandboxCommonRoutes({
      clock: core,
      faults: core.faults,
      parseFault: (input) => parseFault<OaSimulatorFault>(input, fields),
    }),
    'POST /__sandbox/tokens/expire': () => {
      core.tokens.expireAll();
      return { ok: true };
    },
    'GET /__sandbox/documents': () => ({ documents: core.documents.all() }),
    'GET /__sandbox/received': () => ({ requests: core.received }),
    'GET /__sandbox/effects': () => ({ documents: documentEffects(core) }),
    ...options.sandbox,
  };
  const knownPaths = new Set([
    ...options.wirePaths,
    ...Object.keys(sandbox).map((key) => key.slice(key.indexOf(' ') + 1)),
  ]);

  function documentRoute(path: string, body: Record<string, unknown> | null): unknown {
    const match = DOCUMENT_ROUTE.exec(path);
    if (!match) return undefined;
    const id = decodeURIComponent(match[1] as string);
    try {
      if (match[2] === 'decide') {
        const doc = core.documents.decide(id, parseDecision(body));
        options.onDecided?.(doc);
        return { ok: true, document: doc };
      }
      return { ok: true, document: core.documents.drift(id, parseDrift(body)) ?? null };
    } catch (error) {
      throw error instanceof BadRequest ? error : new BadRequest((error as Error).message);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      return sendJson(res, 400, { error: 'bad request line' });
    }
    const path = url.pathname;
    countRequest(core.stats, knownPaths, path);
    const raw = await readBody(req);

    if (path.startsWith('/__sandbox/')) {
      if (raw === null) return sendJson(res, 400, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });
      const body = parseJsonObject(raw);
      const route = sandbox[`${req.method} ${path}`];
      try {
        if (route) return sendJson(res, 200, route({ query: url.searchParams, body }));
        if (req.method === 'POST') {
          const answer = documentRoute(path, body);
          if (answer !== undefined) return sendJson(res, 200, answer);
        }
        return sendJson(res, 404, { error: 'not found' });
      } catch (error) {
        if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
        throw error;
      }
    }

    if (raw === null) return send(res, { status: 413, body: 'Request Entity Too Large' });
    const text = raw.toString('utf8');
    if (core.received.length >= MAX_RECEIVED) core.received.shift();
    core.received.push({
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      headers: flatHeaders(req.headers),
      body: text,
      at: core.now(),
    });
    const request: WireRequest = {
      method: req.method ?? 'GET',
      path,
      target: req.url ?? path,
      query: url.searchParams,
      headers: req.headers,
      body: text,
    };

    const fault = core.faults.take(path);
    if (await delayOrDrop(fault, req, res, core.timers)) return;
    if (fault?.error !== undefined) return send(res, options.faultError(fault.error, request));
    if (fault?.status !== undefined) {
      const answer = options.statusAnswer?.(fault.status) ?? {
        status: fault.status,
        body: `HTTP ${fault.status}`,
        ...(fault.status === 429 ? { headers: { 'retry-after': '1' } } : {}),
      };
      return send(res, answer);
    }
    return send(res, await options.wire(request));
  }

  const chaos = createSimulatorChaos(
    {
      errorAnswer: () => (options.chaosError ?? options.systemError)(),
      ...(options.tokenPaths ? { sparedPaths: options.tokenPaths } : {}),
    },
    core.timers,
  );
  core.chaos = chaos;
  const listener = createSimulatorListener(
    options.name,
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent && !res.destroyed) send(res, options.systemError());
      });
    },
    core.timers,
    chaos,
  );
  return listener;
}

/** Documents per case key: how many were created and how many exist now. */
export function documentEffects(core: OaSimulatorCore): OaDocumentEffects {
  const out: OaDocumentEffects = {};
  for (const [key, created] of core.documents.createdByKey()) out[key] = { created, existing: 0 };
  for (const doc of core.documents.all()) {
    if (doc.caseKey === '') continue;
    const entry = out[doc.caseKey] ?? { created: 0, existing: 0 };
    entry.existing += 1;
    out[doc.caseKey] = entry;
  }
  return out;
}

/** The {@link OaSimulatorBase} part of a vendor simulator. */
export function simulatorBase(
  core: OaSimulatorCore,
  listener: SimulatorListener,
  onDecided?: (doc: SimDocument) => void,
): OaSimulatorBase {
  return {
    listen: listener.listen,
    close: listener.close,
    get url() {
      return listener.url();
    },
    advanceClock: core.advanceClock,
    setFault: (fault) => core.faults.add(fault),
    clearFaults: () => core.faults.clear(),
    expireTokens: () => core.tokens.expireAll(),
    documents: () => core.documents.all(),
    received: () => [...core.received],
    decide(externalId, decision) {
      const doc = core.documents.decide(externalId, decision);
      onDecided?.(doc);
    },
    drift(externalId, drift) {
      core.documents.drift(externalId, drift);
    },
    stats: () => copyStats(core.stats),
    chaos(options) {
      if (!core.chaos) throw new Error('chaos is set up by createOaSimulatorListener');
      if (options === null) core.chaos.clear();
      else core.chaos.set(options);
    },
    get chaosControl() {
      if (!core.chaos) throw new Error('chaos is set up by createOaSimulatorListener');
      return core.chaos;
    },
    documentEffects: () => documentEffects(core),
  };
}
