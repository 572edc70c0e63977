import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { backoffDelay } from './backoff';
import {
  DEFAULT_RECONNECT,
  DEFAULT_STREAM_UA,
  type StreamClient,
  type StreamClientEvents,
  type StreamClientOptions,
  type StreamClientState,
  type StreamClientStats,
  type StreamLogger,
} from './client-options';
import { DingtalkStreamOpenError } from './errors';
import {
  buildAck,
  buildEventAck,
  MAX_FRAME_BYTES,
  parseJsonData,
  parseStreamFrame,
  type StreamAck,
  type StreamEvent,
  type StreamEventStatus,
  type StreamFrame,
  StreamFrameError,
  toStreamEvent,
} from './frames';
import { localIpAddresses, openStreamConnection, type StreamTicket, ticketUrl } from './open-connection';

export type * from './client-options';
export { DEFAULT_RECONNECT, DEFAULT_STREAM_UA } from './client-options';

/** A connection that lived this long resets the reconnect backoff when it drops. */
const STABLE_CONNECTION_MS = 30_000;
/** How long a graceful close may take before the socket is cut. */
const CLOSE_GRACE_MS = 2000;

interface Connection {
  ws: WebSocket;
  opened: boolean;
  openedAt: number;
  /** A `disconnect` frame arrived: a replacement is being opened; close once idle. */
  draining: boolean;
  inFlight: number;
  awaitingPong: boolean;
  keepAlive: NodeJS.Timeout | undefined;
  closed: Promise<void>;
}

const silentLogger: StreamLogger = { info() {}, warn() {}, error() {} };

/**
 * Create a DingTalk Stream-mode client (platforms.md §2.9): registration at `{apiBase}/v1.0/gateway/
 * connections/open`, then a WebSocket to `{endpoint}?ticket=`. See {@link StreamClient}.
 *
 * Delivery is at least once: the same `eventId` arrives again after a lost ack, a handler's `LATER`, a
 * reconnect, or a plain duplicate from DingTalk. Deduplication is the gateway's job (inbox by eventId).
 */
export function createStreamClient(options: StreamClientOptions): StreamClient {
  const logger = options.logger ?? silentLogger;
  const reconnectRange = options.reconnect ?? DEFAULT_RECONNECT;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const keepAliveMs = options.keepAliveMs ?? 30_000;
  const emitter = new EventEmitter<StreamClientEvents>();
  const counters: StreamClientStats = {
    connections: 0,
    events: 0,
    acksSuccess: 0,
    acksLater: 0,
    callbacks: 0,
    pings: 0,
    frameErrors: 0,
  };
  const connections = new Set<Connection>();
  const handlers = new Set<Promise<void>>();
  let state: StreamClientState = 'idle';
  let current: Connection | undefined;
  let connecting = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let attempt = 0;
  let stopping = false;
  let stopPromise: Promise<void> | undefined;
  let opening: AbortController | undefined;
  let startWaiter: { resolve(): void; reject(error: Error): void } | undefined;

  function setState(next: StreamClientState) {
    if (state === next) return;
    state = next;
    emitter.emit('state', next);
  }

  async function connect(): Promise<void> {
    // `current` is set while a healthy connection is open: never open a second one beside it.
    if (stopping || connecting || current !== undefined) return;
    connecting = true;
    let conn: Connection;
    try {
      opening = new AbortController();
      const ticket = await openStreamConnection(
        options.apiBase,
        {
          clientId: options.clientId,
          clientSecret: options.clientSecret,
          subscriptions: options.subscriptions,
          ua: options.ua ?? DEFAULT_STREAM_UA,
          localIp: options.localIp ?? localIpAddresses(),
        },
        connectTimeoutMs,
        opening.signal,
      );
      if (stopping) return;
      conn = await openSocket(ticket);
    } catch (error) {
      connecting = false;
      if (stopping) return;
      if (error instanceof DingtalkStreamOpenError && error.permanent) return fail(error);
      return scheduleReconnect(describe(error));
    } finally {
      opening = undefined;
    }
    connecting = false;
    if (stopping) return void closeConnection(conn);
    adopt(conn);
  }

  function openSocket(ticket: StreamTicket): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(ticketUrl(ticket), {
        handshakeTimeout: connectTimeoutMs,
        maxPayload: MAX_FRAME_BYTES,
      });
      let markClosed = () => {};
      const conn: Connection = {
        ws,
        opened: false,
        openedAt: 0,
        draining: false,
        inFlight: 0,
        awaitingPong: false,
        keepAlive: undefined,
        closed: new Promise((done) => {
          markClosed = done;
        }),
      };
      connections.add(conn);
      ws.on('open', () => {
        conn.opened = true;
        conn.openedAt = Date.now();
        resolve(conn);
      });
      ws.on('message', (raw: Buffer) => onMessage(conn, raw));
      ws.on('pong', () => {
        conn.awaitingPong = false;
      });
      ws.on('error', (error) => {
        if (!conn.opened) reject(error);
        else logger.warn('stream socket error', { cause: describe(error) });
      });
      ws.on('close', (code) => {
        connections.delete(conn);
        clearInterval(conn.keepAlive);
        markClosed();
        if (conn.opened) onClose(conn, code);
        else reject(new Error(`socket closed before open (${code})`));
      });
    });
  }

  function adopt(conn: Connection) {
    current = conn;
    counters.connections += 1;
    if (keepAliveMs > 0) {
      conn.keepAlive = setInterval(() => {
        if (conn.ws.readyState !== WebSocket.OPEN) return;
        if (conn.awaitingPong) return void conn.ws.terminate();
        conn.awaitingPong = true;
        conn.ws.ping();
      }, keepAliveMs);
    }
    setState('open');
    logger.info('stream connected', { connections: counters.connections });
    emitter.emit('connected', { connections: counters.connections });
    startWaiter?.resolve();
    startWaiter = undefined;
  }

  function onClose(conn: Connection, code: number) {
    const replaced = conn !== current;
    emitter.emit('disconnected', { code, replaced });
    if (replaced) return;
    current = undefined;
    if (stopping) return;
    if (Date.now() - conn.openedAt >= STABLE_CONNECTION_MS) attempt = 0;
    scheduleReconnect(`socket closed (${code})`);
  }

  function scheduleReconnect(cause: string) {
    if (stopping || reconnectTimer !== undefined || connecting) return;
    attempt += 1;
    const delayMs = backoffDelay(attempt, reconnectRange);
    setState('reconnecting');
    logger.warn('stream reconnect scheduled', { attempt, delayMs, cause });
    emitter.emit('reconnecting', { attempt, delayMs, cause });
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, delayMs);
  }

  function fail(error: DingtalkStreamOpenError) {
    stopping = true;
    setState('failed');
    logger.error('stream registration refused; client stopped', { status: error.status, code: error.code });
    emitter.emit('failed', error);
    startWaiter?.reject(error);
    startWaiter = undefined;
  }

  function onMessage(conn: Connection, raw: Buffer) {
    conn.awaitingPong = false;
    let frame: StreamFrame;
    try {
      frame = parseStreamFrame(raw);
    } catch (error) {
      return frameError(error as StreamFrameError);
    }
    if (frame.type === 'SYSTEM') return onSystem(conn, frame);
    // Not acked: DingTalk redelivers it, possibly to another connection.
    if (stopping) return;
    track(conn, frame.type === 'EVENT' ? handleEvent(conn, frame) : handleCallback(conn, frame));
  }

  function onSystem(conn: Connection, frame: StreamFrame) {
    const { topic, messageId } = frame.headers;
    if (topic === 'ping') {
      if (messageId === undefined) return frameError(new StreamFrameError('ping without messageId'));
      counters.pings += 1;
      return send(conn, buildAck(messageId, frame.data));
    }
    if (topic === 'disconnect') return handOver(conn);
  }

  /** DingTalk closes the socket ~10 s after `disconnect`: open the next one with a new ticket now. */
  function handOver(conn: Connection) {
    if (conn.draining) return;
    conn.draining = true;
    if (conn === current) current = undefined;
    logger.info('stream disconnect received; reconnecting with a new ticket', { inFlight: conn.inFlight });
    closeIfDrained(conn);
    if (stopping) return;
    setState('reconnecting');
    void connect();
  }

  async function handleEvent(conn: Connection, frame: StreamFrame): Promise<void> {
    const messageId = frame.headers.messageId as string;
    let event: StreamEvent;
    try {
      event = toStreamEvent(frame);
    } catch (error) {
      // It will never become valid: acking LATER would loop it forever.
      frameError(error as StreamFrameError);
      return send(conn, buildEventAck(messageId, 'SUCCESS', 'malformed event dropped'));
    }
    counters.events += 1;
    let status: StreamEventStatus = 'LATER';
    try {
      status = (await options.onEvent(event)) === 'SUCCESS' ? 'SUCCESS' : 'LATER';
    } catch (error) {
      // The message may quote personal data: log the class only.
      logger.warn('stream event handler failed', {
        eventId: event.eventId,
        eventType: event.eventType,
        error: (error as Error)?.name,
      });
    }
    if (status === 'SUCCESS') counters.acksSuccess += 1;
    else counters.acksLater += 1;
    send(conn, buildEventAck(messageId, status, status === 'SUCCESS' ? 'success' : 'later'));
  }

  async function handleCallback(conn: Connection, frame: StreamFrame): Promise<void> {
    const messageId = frame.headers.messageId as string;
    counters.callbacks += 1;
    if (!options.onCallback)
      return send(conn, buildAck(messageId, { response: null }, 404, 'topic not found'));
    const data = parseJsonData(frame.data);
    if (data === null) {
      frameError(new StreamFrameError('callback data is not a JSON object'));
      return send(conn, buildAck(messageId, { response: null }, 500, 'internal error'));
    }
    try {
      const result = await options.onCallback(frame.headers.topic, data);
      send(conn, buildAck(messageId, { response: result ?? null }));
    } catch (error) {
      logger.warn('stream callback handler failed', {
        topic: frame.headers.topic,
        error: (error as Error)?.name,
      });
      send(conn, buildAck(messageId, { response: null }, 500, 'internal error'));
    }
  }

  function track(conn: Connection, work: Promise<void>) {
    conn.inFlight += 1;
    const done: Promise<void> = work
      .catch((error) => logger.error('stream frame handling failed', { error: (error as Error)?.name }))
      .finally(() => {
        conn.inFlight -= 1;
        handlers.delete(done);
        closeIfDrained(conn);
      });
    handlers.add(done);
  }

  function send(conn: Connection, ack: StreamAck) {
    if (conn.ws.readyState !== WebSocket.OPEN) {
      logger.warn('stream ack dropped: connection closed', { messageId: ack.headers.messageId });
      return;
    }
    conn.ws.send(JSON.stringify(ack));
  }

  function closeIfDrained(conn: Connection) {
    if (conn.draining && conn.inFlight === 0) void closeConnection(conn);
  }

  function frameError(error: StreamFrameError) {
    counters.frameErrors += 1;
    logger.warn('stream frame ignored', { reason: error.reason });
    emitter.emit('frameError', error);
  }

  async function closeConnection(conn: Connection): Promise<void> {
    if (conn.ws.readyState === WebSocket.CONNECTING) conn.ws.terminate();
    else if (conn.ws.readyState === WebSocket.OPEN) conn.ws.close(1000, 'client closing');
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        conn.ws.terminate();
        resolve();
      }, CLOSE_GRACE_MS);
    });
    await Promise.race([conn.closed, cut]);
    clearTimeout(timer);
  }

  async function drainAndClose(deadlineMs: number): Promise<void> {
    stopping = true;
    setState('stopping');
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    opening?.abort();
    startWaiter?.reject(new Error('stream client stopped before it connected'));
    startWaiter = undefined;
    if (handlers.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      });
      await Promise.race([Promise.allSettled([...handlers]), deadline]);
      clearTimeout(timer);
      if (handlers.size > 0)
        logger.warn('stream stopped with handlers still running', { inFlight: handlers.size });
    }
    await Promise.all([...connections].map(closeConnection));
    current = undefined;
    setState('stopped');
  }

  const client: StreamClient = {
    start() {
      if (state !== 'idle') return Promise.reject(new Error('stream client already started'));
      setState('connecting');
      const started = new Promise<void>((resolve, reject) => {
        startWaiter = { resolve, reject };
      });
      void connect();
      return started;
    },
    stop(stopOptions = {}) {
      if (state === 'idle' || state === 'failed' || (state === 'stopped' && stopPromise === undefined)) {
        stopping = true;
        if (state === 'idle') setState('stopped');
        return Promise.resolve();
      }
      stopPromise ??= drainAndClose(stopOptions.deadlineMs ?? options.stopDeadlineMs ?? 10_000);
      return stopPromise;
    },
    get state() {
      return state;
    },
    get inFlight() {
      return handlers.size;
    },
    stats: () => ({ ...counters }),
    on(event, listener) {
      emitter.on(event, listener as never);
      return client;
    },
    off(event, listener) {
      emitter.off(event, listener as never);
      return client;
    },
  };
  return client;
}

/** A log-safe cause: never the ticket of a WebSocket URL. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/ticket=[^&\s]*/g, 'ticket=***');
}
