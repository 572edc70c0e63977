import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, parseJsonObject, readBody, sendJson } from './http-io';

/**
 * Test-only chaos of a simulator (`PUT /__sandbox/chaos`, `sim.chaos(options)`): random, seeded
 * failures on every wire request, and duplicates / reordering of the events the simulator pushes.
 * Sandbox paths and the platform's token paths are spared unless `paths` lists them.
 */
export interface ChaosSettings {
  /** Share of requests answered with the platform's retryable "system busy" error. */
  errorRate: number;
  /** Extra wait before every affected request, uniform in [min, max] ms. */
  latencyMs: { min: number; max: number };
  /** Share of requests held for `timeoutHoldMs` (well past a client timeout), then dropped. */
  timeoutRate: number;
  /** Share of requests whose socket is destroyed at once (connection reset). */
  resetRate: number;
  /**
   * Share of requests that the platform carries out but whose reply is lost (socket destroyed after
   * the effect): the case an idempotency key must cover.
   */
  lostReplyRate: number;
  /** How long a "timeout" request is held before the socket is dropped. Default 30 000 ms. */
  timeoutHoldMs: number;
  /** PRNG seed: the same seed and request order give the same outcomes. */
  seed: number;
  /** Path prefixes to affect (sandbox and token paths included when listed); null = every wire path. */
  paths: string[] | null;
  /** Share of pushed events (callbacks, Stream events) delivered twice. */
  duplicateRate: number;
  /** Pushed events are held a random 0..reorderWindowMs ms each, so they arrive shuffled. */
  reorderWindowMs: number;
}

/** What chaos did so far (since the last `PUT`/`DELETE`). */
export interface ChaosCounts {
  requests: number;
  delayed: number;
  errors: number;
  timeouts: number;
  resets: number;
  lostReplies: number;
  duplicatedEvents: number;
  heldEvents: number;
}

/** The platform's answer for a chaos error on `path` (a retryable error, never a permanent one). */
export interface ChaosAnswer {
  status: number;
  /** A string is sent as text (`contentType` default text/plain), anything else as JSON. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface ChaosPlatform {
  /** The documented retryable error for `path` (system busy errcode −1, HTTP 5xx …). */
  errorAnswer(path: string): ChaosAnswer;
  /** Token endpoints etc. (exact, or a prefix of `/`-separated children), spared unless `paths` lists them. */
  sparedPaths?: readonly string[];
}

export type ChaosOutcome =
  | { kind: 'pass'; delayMs: number }
  | { kind: 'error' | 'timeout' | 'reset' | 'lostReply'; delayMs: number };

export interface SimulatorChaos {
  /** Validate and apply `input` (a partial {@link ChaosSettings}); throws {@link ChaosInputError}. */
  set(input: unknown): ChaosSettings;
  get(): { enabled: boolean; settings: ChaosSettings; counts: ChaosCounts };
  clear(): void;
  /** The fate of one request to `path`. */
  decide(path: string): ChaosOutcome;
  /** Deliver an event through chaos: maybe twice, maybe held a while; `send` must not throw. */
  deliver(send: () => void): void;
  /**
   * For senders that deliver on their own: the hold (ms) before each copy of one event; one entry,
   * or two when chaos duplicates it.
   */
  planEvent(): number[];
  /** The platform's error answer for `path`. */
  errorAnswer(path: string): ChaosAnswer;
}

export class ChaosInputError extends Error {}

const RATE_FIELDS = ['errorRate', 'timeoutRate', 'resetRate', 'lostReplyRate', 'duplicateRate'] as const;
const MAX_WAIT_MS = 120_000;

export function defaultChaosSettings(): ChaosSettings {
  return {
    errorRate: 0,
    latencyMs: { min: 0, max: 0 },
    timeoutRate: 0,
    resetRate: 0,
    lostReplyRate: 0,
    timeoutHoldMs: 30_000,
    seed: 1,
    paths: null,
    duplicateRate: 0,
    reorderWindowMs: 0,
  };
}

const zeroCounts = (): ChaosCounts => ({
  requests: 0,
  delayed: 0,
  errors: 0,
  timeouts: 0,
  resets: 0,
  lostReplies: 0,
  duplicatedEvents: 0,
  heldEvents: 0,
});

/** mulberry32: small, fast, seedable; good enough to spread faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function waitMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_WAIT_MS) {
    throw new ChaosInputError(`${name} must be 0..${MAX_WAIT_MS}`);
  }
  return value;
}

/** Parse a partial settings object over the defaults; throws {@link ChaosInputError}. */
export function parseChaosSettings(input: unknown): ChaosSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ChaosInputError('body must be an object');
  }
  const raw = input as Record<string, unknown>;
  const known = new Set([...RATE_FIELDS, 'latencyMs', 'timeoutHoldMs', 'seed', 'paths', 'reorderWindowMs']);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw new ChaosInputError(`unknown field ${key}`);
  const settings = defaultChaosSettings();
  for (const name of RATE_FIELDS) {
    const value = raw[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new ChaosInputError(`${name} must be 0..1`);
    }
    settings[name] = value;
  }
  if (settings.errorRate + settings.timeoutRate + settings.resetRate + settings.lostReplyRate > 1) {
    throw new ChaosInputError('errorRate + timeoutRate + resetRate + lostReplyRate must be <= 1');
  }
  const latency = raw.latencyMs;
  if (typeof latency === 'number') {
    const ms = waitMs('latencyMs', latency);
    settings.latencyMs = { min: ms, max: ms };
  } else if (latency !== undefined) {
    if (typeof latency !== 'object' || latency === null)
      throw new ChaosInputError('latencyMs must be {min, max}');
    const { min = 0, max } = latency as Record<string, unknown>;
    const lo = waitMs('latencyMs.min', min);
    const hi = waitMs('latencyMs.max', max ?? lo);
    if (hi < lo) throw new ChaosInputError('latencyMs.max must be >= latencyMs.min');
    settings.latencyMs = { min: lo, max: hi };
  }
  if (raw.timeoutHoldMs !== undefined) settings.timeoutHoldMs = waitMs('timeoutHoldMs', raw.timeoutHoldMs);
  if (raw.reorderWindowMs !== undefined)
    settings.reorderWindowMs = waitMs('reorderWindowMs', raw.reorderWindowMs);
  if (raw.seed !== undefined) {
    if (!Number.isSafeInteger(raw.seed)) throw new ChaosInputError('seed must be an integer');
    settings.seed = raw.seed as number;
  } else {
    settings.seed = Math.floor(Math.random() * 2 ** 31);
  }
  if (raw.paths !== undefined && raw.paths !== null) {
    const paths = raw.paths;
    if (
      !Array.isArray(paths) ||
      paths.length > 100 ||
      !paths.every((p) => typeof p === 'string' && p.startsWith('/') && p.length <= 256)
    ) {
      throw new ChaosInputError('paths must be a list of paths starting with /');
    }
    settings.paths = [...paths] as string[];
  }
  return settings;
}

function isActive(s: ChaosSettings): boolean {
  return (
    s.errorRate + s.timeoutRate + s.resetRate + s.lostReplyRate + s.duplicateRate > 0 ||
    s.latencyMs.max > 0 ||
    s.reorderWindowMs > 0
  );
}

/** One simulator's chaos state; `timers` are the simulator's (cleared on close). */
export function createSimulatorChaos(platform: ChaosPlatform, timers: Set<NodeJS.Timeout>): SimulatorChaos {
  let settings = defaultChaosSettings();
  let counts = zeroCounts();
  let random = seededRandom(settings.seed);
  const spared = platform.sparedPaths ?? [];

  function affects(path: string): boolean {
    if (settings.paths) return settings.paths.some((p) => path === p || path.startsWith(p));
    return !path.startsWith('/__sandbox/') && !spared.some((p) => path === p || path.startsWith(`${p}/`));
  }

  function later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  }

  function planEvent(): number[] {
    const copies = settings.duplicateRate > 0 && random() < settings.duplicateRate ? 2 : 1;
    if (copies === 2) counts.duplicatedEvents += 1;
    const holds: number[] = [];
    for (let i = 0; i < copies; i += 1) {
      const hold = settings.reorderWindowMs > 0 ? Math.round(random() * settings.reorderWindowMs) : 0;
      if (hold > 0) counts.heldEvents += 1;
      holds.push(hold);
    }
    return holds;
  }

  return {
    set(input) {
      settings = parseChaosSettings(input);
      counts = zeroCounts();
      random = seededRandom(settings.seed);
      return structuredClone(settings);
    },
    get: () => ({ enabled: isActive(settings), settings: structuredClone(settings), counts: { ...counts } }),
    clear() {
      settings = defaultChaosSettings();
      counts = zeroCounts();
      random = seededRandom(settings.seed);
    },
    decide(path) {
      if (!isActive(settings) || !affects(path)) return { kind: 'pass', delayMs: 0 };
      counts.requests += 1;
      const { min, max } = settings.latencyMs;
      const delayMs = max > 0 ? Math.round(min + random() * (max - min)) : 0;
      if (delayMs > 0) counts.delayed += 1;
      let roll = random();
      const pick: [number, 'reset' | 'timeout' | 'error' | 'lostReply'][] = [
        [settings.resetRate, 'reset'],
        [settings.timeoutRate, 'timeout'],
        [settings.errorRate, 'error'],
        [settings.lostReplyRate, 'lostReply'],
      ];
      for (const [rate, kind] of pick) {
        if (roll < rate) {
          if (kind === 'reset') counts.resets += 1;
          else if (kind === 'timeout') counts.timeouts += 1;
          else if (kind === 'error') counts.errors += 1;
          else counts.lostReplies += 1;
          return { kind, delayMs };
        }
        roll -= rate;
      }
      return { kind: 'pass', delayMs };
    },
    planEvent,
    deliver(send) {
      for (const hold of planEvent()) {
        if (hold === 0) send();
        else later(hold, send);
      }
    },
    errorAnswer: (path) => platform.errorAnswer(path),
  };
}

function sendAnswer(res: ServerResponse, answer: ChaosAnswer): void {
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

function drain(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.resume();
  });
}

/**
 * Put chaos in front of a simulator's request handler and serve `PUT|GET|DELETE /__sandbox/chaos`.
 * A request the chaos spares reaches `handler` untouched (after its latency).
 */
export function withChaos(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  chaos: SimulatorChaos,
  timers: Set<NodeJS.Timeout>,
): (req: IncomingMessage, res: ServerResponse) => void {
  async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method === 'GET') return sendJson(res, 200, chaos.get());
    if (req.method === 'DELETE') {
      chaos.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (req.method !== 'PUT') return sendJson(res, 404, { error: 'not found' });
    if (raw === null) return sendJson(res, 400, { error: `body exceeds ${MAX_BODY_BYTES} bytes` });
    try {
      return sendJson(res, 200, { ok: true, settings: chaos.set(parseJsonObject(raw)) });
    } catch (error) {
      if (error instanceof ChaosInputError) return sendJson(res, 400, { error: error.message });
      throw error;
    }
  }

  function wait(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(!res.destroyed);
      }, ms);
      timers.add(timer);
      res.once('close', () => {
        if (!timers.has(timer)) return;
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      });
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const outcome = chaos.decide(path);
    if (outcome.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (outcome.delayMs > 0 && !(await wait(outcome.delayMs, res))) return;
    if (outcome.kind === 'timeout') {
      req.resume();
      await wait(chaos.get().settings.timeoutHoldMs, res);
      req.socket.destroy();
      return;
    }
    if (outcome.kind === 'error') {
      await drain(req);
      return sendAnswer(res, chaos.errorAnswer(path));
    }
    if (outcome.kind === 'lostReply') {
      // The platform does the work; the answer never leaves it.
      const drop = () => {
        req.socket.destroy();
        return res;
      };
      res.writeHead = drop as unknown as ServerResponse['writeHead'];
      res.end = drop as unknown as ServerResponse['end'];
      res.write = (() => true) as unknown as ServerResponse['write'];
    }
    handler(req, res);
  }

  return (req, res) => {
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://simulator.invalid').pathname;
    } catch {
      handler(req, res);
      return;
    }
    const work = path === '/__sandbox/chaos' ? control(req, res) : handle(req, res, path);
    work.catch(() => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: 'simulator error' });
    });
  };
}
