import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { BackoffRange } from './backoff';
import {
  MAX_FRAME_BYTES,
  parseStreamAck,
  type StreamAck,
  type StreamFrame,
  type StreamFrameType,
} from './frames';
import type { StreamSubscription } from './open-connection';
import {
  DeliveryQueue,
  newMessageId,
  type StreamDelivery,
  type StreamPublishedEvent,
} from './simulator-delivery';
import { readOpenRequest } from './simulator-open';

export type { StreamDelivery, StreamDeliveryOutcome, StreamPublishedEvent } from './simulator-delivery';

export interface StreamGatewaySimulatorOptions {
  /** Wait for an EVENT ack before redelivering. Default 5000 ms. */
  ackTimeoutMs?: number;
  /** Redelivery backoff after LATER, a timeout or a closed socket. Default 1 s … 30 s. */
  redelivery?: BackoffRange;
  /** Ticket lifetime. Default 90 s (platforms.md §2.9). */
  ticketTtlSeconds?: number;
  /** SYSTEM `ping` interval per connection. Default 30 s; 0 = never. */
  pingIntervalMs?: number;
  /** Time between a `disconnect` frame and the close of the socket. Default 10 s (protocol.md). */
  disconnectGraceMs?: number;
  /** Open connections per app (clientId). Default 50 (platforms.md §2.9). */
  maxConnectionsPerApp?: number;
  /** `endpoint` answered by registration. Default: `ws://host:port{path}` of the attached server. */
  endpoint?: string;
  /** Random source for connection choice and jitter (tests pin it). Default `Math.random`. */
  random?: () => number;
}

/** Checks an app's credentials for registration (the DingTalk simulator knows its app). */
export interface StreamCredentialCheck {
  checkCredentials(clientId: string, clientSecret: string): boolean;
}

/** An open connection as the sandbox shows it. */
export interface StreamConnectionInfo {
  connectionId: string;
  clientId: string;
  subscriptions: StreamSubscription[];
  ua: string;
  localIp: string;
  openedAt: number;
  /** A `disconnect` frame was sent: no new deliveries, closed after the grace time. */
  draining: boolean;
  pingsSent: number;
  pingsAnswered: number;
}

interface IssuedTicket {
  clientId: string;
  subscriptions: StreamSubscription[];
  ua: string;
  localIp: string;
  expiresAt: number;
}

interface SimConnection extends StreamConnectionInfo {
  appId: string;
  ws: WebSocket;
  pingTimer: NodeJS.Timeout | undefined;
}

/**
 * A fake of DingTalk's Stream gateway (platforms.md §2.9): registration (`handleOpen`), the WebSocket
 * endpoint (`attach`), at-least-once EVENT delivery with acks and redelivery (`publish`), SYSTEM `ping`
 * and `disconnect`, CALLBACK frames, and faults (drops, duplicates, reordering, raw frames).
 *
 * Fire-and-forget for CALLBACK frames, as on the real platform: they are not redelivered.
 */
export class StreamGatewaySimulator {
  private readonly options: Required<Omit<StreamGatewaySimulatorOptions, 'endpoint'>> & { endpoint?: string };
  private readonly tickets = new Map<string, IssuedTicket>();
  private readonly conns = new Map<string, SimConnection>();
  private readonly pings = new Map<string, SimConnection>();
  private readonly callbackWaiters = new Map<string, (ack: StreamAck | undefined) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly queue: DeliveryQueue;
  private attached:
    | { server: Server; path: string; listener: (req: IncomingMessage, socket: Duplex, head: Buffer) => void }
    | undefined;
  private clockOffsetMs = 0;
  private counters = { badFrames: 0, unknownAcks: 0, refusedUpgrades: 0 };

  constructor(options: StreamGatewaySimulatorOptions = {}) {
    this.options = {
      ackTimeoutMs: options.ackTimeoutMs ?? 5000,
      redelivery: options.redelivery ?? { minMs: 1000, maxMs: 30_000 },
      ticketTtlSeconds: options.ticketTtlSeconds ?? 90,
      pingIntervalMs: options.pingIntervalMs ?? 30_000,
      disconnectGraceMs: options.disconnectGraceMs ?? 10_000,
      maxConnectionsPerApp: options.maxConnectionsPerApp ?? 50,
      random: options.random ?? Math.random,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    };
    this.queue = new DeliveryQueue({
      ackTimeoutMs: this.options.ackTimeoutMs,
      redelivery: this.options.redelivery,
      random: this.options.random,
      dispatch: (event, messageId) => this.dispatch(event, messageId),
    });
  }

  /**
   * `POST /v1.0/gateway/connections/open`: HTTP 200 `{endpoint, ticket}`, or a v1.0 error
   * `{code, message, requestid}` (400 `invalidClientIdOrSecret` for bad credentials).
   */
  handleOpen(body: unknown, auth: StreamCredentialCheck): { status: number; body: Record<string, unknown> } {
    const request = readOpenRequest(body);
    if ('error' in request) return v1Error(400, request.error.code, request.error.message);
    if (!auth.checkCredentials(request.clientId, request.clientSecret)) {
      return v1Error(400, 'invalidClientIdOrSecret', '无效的clientId或clientSecret');
    }
    if (this.openCount(request.clientId) >= this.options.maxConnectionsPerApp) {
      return v1Error(403, 'Forbidden.AccessDenied.ConnectionLimit', '连接数超过限制');
    }
    const endpoint = this.endpoint();
    if (endpoint === undefined) return v1Error(503, 'ServiceUnavailable', '服务暂不可用');
    const now = this.now();
    for (const [key, issued] of this.tickets) if (issued.expiresAt <= now) this.tickets.delete(key);
    const ticket = randomUUID();
    this.tickets.set(ticket, {
      clientId: request.clientId,
      subscriptions: request.subscriptions,
      ua: request.ua,
      localIp: request.localIp,
      expiresAt: now + this.options.ticketTtlSeconds * 1000,
    });
    return { status: 200, body: { endpoint, ticket } };
  }

  /**
   * Serve the WebSocket endpoint on `server` at `path` (it may be the DingTalk simulator's server). A
   * missing, expired or reused ticket is refused with HTTP 401 at the upgrade.
   */
  attach(server: Server, path = '/connect'): void {
    if (this.attached) throw new Error('stream gateway simulator is already attached');
    const listener = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head);
    server.on('upgrade', listener);
    this.attached = { server, path, listener };
  }

  /** Queue `event` for delivery to one random connection subscribed to EVENT `*` or its type. */
  publish(event: StreamPublishedEvent): void {
    this.queue.publish(structuredClone(event));
  }

  /** Every EVENT frame sent, with its outcome and ack (copies). */
  deliveries(): StreamDelivery[] {
    return this.queue.deliveries();
  }

  /** Events not yet acked SUCCESS. */
  pending(): number {
    return this.queue.pending();
  }

  connections(): StreamConnectionInfo[] {
    return [...this.conns.values()].map(({ ws: _ws, pingTimer: _t, appId: _a, ...info }) =>
      structuredClone(info),
    );
  }

  /** Send SYSTEM `disconnect` to one connection (default all) and close it after the grace time. */
  sendDisconnect(connectionId?: string, reason = 'persistent connection is timeout'): number {
    const targets = this.targets(connectionId).filter((conn) => !conn.draining);
    for (const conn of targets) {
      conn.draining = true;
      this.sendFrame(conn, 'SYSTEM', { topic: 'disconnect' }, { reason });
      this.later(() => conn.ws.close(1000, 'disconnect'), this.options.disconnectGraceMs);
    }
    return targets.length;
  }

  /** Cut connections without a close handshake (default all). */
  dropConnections(connectionId?: string): number {
    const targets = this.targets(connectionId);
    for (const conn of targets) conn.ws.terminate();
    return targets.length;
  }

  /** Send SYSTEM `ping` now (default to every connection). */
  ping(connectionId?: string): number {
    const targets = this.targets(connectionId);
    for (const conn of targets) this.sendPing(conn);
    return targets.length;
  }

  /** The next `count` events acked SUCCESS are delivered once more (as DingTalk sometimes does). */
  duplicateNext(count: number): void {
    this.queue.duplicateNext(count);
  }

  /** Deliver events that are ready together newest first. */
  setReorder(on: boolean): void {
    this.queue.setReorder(on);
  }

  /** Send `text` as is (a test fault: garbage frames); returns how many connections got it. */
  sendRaw(text: string, connectionId?: string): number {
    const targets = this.targets(connectionId);
    for (const conn of targets) conn.ws.send(text);
    return targets.length;
  }

  /**
   * Send a CALLBACK frame on `topic` to one subscribed connection and wait for its ack; undefined when
   * no connection subscribes or no ack came within the ack timeout.
   */
  sendCallback(topic: string, data: Record<string, unknown>): Promise<StreamAck | undefined> {
    const candidates = this.open().filter((conn) =>
      conn.subscriptions.some((sub) => sub.type === 'CALLBACK' && sub.topic === topic),
    );
    const conn = this.pick(candidates);
    if (conn === undefined) return Promise.resolve(undefined);
    const messageId = this.sendFrame(conn, 'CALLBACK', { topic }, data);
    return new Promise((resolve) => {
      const timer = this.later(() => settle(undefined), this.options.ackTimeoutMs);
      const settle = (ack: StreamAck | undefined) => {
        this.callbackWaiters.delete(messageId);
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve(ack);
      };
      this.callbackWaiters.set(messageId, settle);
    });
  }

  /** Move the ticket clock forward. */
  advanceClock(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Upstream frames that were no valid ack, acks of unknown messages, refused upgrades. */
  stats() {
    return { ...this.counters, connections: this.conns.size, tickets: this.tickets.size };
  }

  /** Cut every connection and stop timers; the attached HTTP server stays up (its owner closes it). */
  async close(): Promise<void> {
    this.queue.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const settle of [...this.callbackWaiters.values()]) settle(undefined);
    for (const conn of this.conns.values()) conn.ws.terminate();
    if (this.attached) this.attached.server.off('upgrade', this.attached.listener);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const attached = this.attached;
    if (attached === undefined) return;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.invalid');
    } catch {
      return this.refuse(socket, 400, 'InvalidParameter', '请求不合法');
    }
    if (url.pathname !== attached.path) {
      // Another upgrade listener on a shared server may own this path.
      if (attached.server.listenerCount('upgrade') <= 1) this.refuse(socket, 404, 'NotFound', '路径不存在');
      return;
    }
    const key = url.searchParams.get('ticket') ?? '';
    const ticket = this.tickets.get(key);
    this.tickets.delete(key);
    if (ticket === undefined || ticket.expiresAt <= this.now()) {
      return this.refuse(socket, 401, 'InvalidTicket', 'ticket无效或已过期');
    }
    if (this.openCount(ticket.clientId) >= this.options.maxConnectionsPerApp) {
      return this.refuse(socket, 403, 'Forbidden.AccessDenied.ConnectionLimit', '连接数超过限制');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, ticket));
  }

  private refuse(socket: Duplex, status: number, code: string, message: string) {
    this.counters.refusedUpgrades += 1;
    const body = JSON.stringify({ code, message, requestid: requestId() });
    const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
    socket.end(
      `HTTP/1.1 ${status} ${reason ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.on('error', () => {});
  }

  private onConnection(ws: WebSocket, ticket: IssuedTicket) {
    const conn: SimConnection = {
      connectionId: randomUUID(),
      clientId: ticket.clientId,
      appId: unifiedAppId(ticket.clientId),
      subscriptions: ticket.subscriptions,
      ua: ticket.ua,
      localIp: ticket.localIp,
      openedAt: Date.now(),
      draining: false,
      pingsSent: 0,
      pingsAnswered: 0,
      ws,
      pingTimer: undefined,
    };
    this.conns.set(conn.connectionId, conn);
    ws.on('message', (raw: Buffer) => this.onUpstream(conn, raw));
    ws.on('error', () => {});
    ws.on('close', () => {
      this.conns.delete(conn.connectionId);
      clearInterval(conn.pingTimer);
      for (const [messageId, owner] of this.pings) if (owner === conn) this.pings.delete(messageId);
      this.queue.onConnectionClosed(conn.connectionId);
      this.queue.kick();
    });
    if (this.options.pingIntervalMs > 0) {
      conn.pingTimer = setInterval(() => this.sendPing(conn), this.options.pingIntervalMs);
    }
    this.queue.kick();
  }

  private onUpstream(conn: SimConnection, raw: Buffer) {
    let ack: StreamAck;
    try {
      ack = parseStreamAck(raw);
    } catch {
      this.counters.badFrames += 1;
      return;
    }
    const messageId = ack.headers.messageId;
    if (this.pings.get(messageId) === conn) {
      this.pings.delete(messageId);
      conn.pingsAnswered += 1;
      return;
    }
    const waiter = this.callbackWaiters.get(messageId);
    if (waiter) return waiter(ack);
    if (!this.queue.onAck(ack)) this.counters.unknownAcks += 1;
  }

  private dispatch(event: StreamPublishedEvent, messageId: string) {
    const candidates = this.open().filter((conn) => eventTopic(conn, event.eventType) !== undefined);
    const conn = this.pick(candidates);
    if (conn === undefined) return undefined;
    const headers = {
      topic: eventTopic(conn, event.eventType) as string,
      eventType: event.eventType,
      eventId: event.eventId,
      eventCorpId: event.corpId,
      eventBornTime: String(event.bornTime),
      eventUnifiedAppId: conn.appId,
    };
    const frame = this.buildFrame(conn, 'EVENT', { ...headers, messageId }, event.data);
    conn.ws.send(JSON.stringify(frame));
    return { connectionId: conn.connectionId, frame };
  }

  private sendPing(conn: SimConnection) {
    const messageId = this.sendFrame(conn, 'SYSTEM', { topic: 'ping' }, { opaque: randomUUID() });
    conn.pingsSent += 1;
    this.pings.set(messageId, conn);
  }

  /** Send a frame; returns its messageId. */
  private sendFrame(
    conn: SimConnection,
    type: StreamFrameType,
    headers: { topic: string },
    data: unknown,
  ): string {
    const messageId = newMessageId();
    const frame = this.buildFrame(conn, type, { ...headers, messageId }, data);
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(JSON.stringify(frame));
    return messageId;
  }

  private buildFrame(
    conn: SimConnection,
    type: StreamFrameType,
    headers: { topic: string; messageId: string } & Record<string, string>,
    data: unknown,
  ): StreamFrame {
    return {
      specVersion: '1.0',
      type,
      headers: {
        appId: conn.appId,
        connectionId: conn.connectionId,
        contentType: 'application/json',
        time: String(Date.now()),
        ...headers,
      },
      data: JSON.stringify(data),
    };
  }

  private open(): SimConnection[] {
    return [...this.conns.values()].filter((conn) => !conn.draining && conn.ws.readyState === WebSocket.OPEN);
  }

  private targets(connectionId: string | undefined): SimConnection[] {
    const all = [...this.conns.values()].filter((conn) => conn.ws.readyState === WebSocket.OPEN);
    return connectionId === undefined ? all : all.filter((conn) => conn.connectionId === connectionId);
  }

  private pick(candidates: SimConnection[]): SimConnection | undefined {
    if (candidates.length === 0) return undefined;
    const index = Math.min(candidates.length - 1, Math.floor(this.options.random() * candidates.length));
    return candidates[index];
  }

  private openCount(clientId: string): number {
    return [...this.conns.values()].filter((conn) => conn.clientId === clientId).length;
  }

  private endpoint(): string | undefined {
    if (this.options.endpoint) return this.options.endpoint;
    const address = this.attached?.server.address() as AddressInfo | null | undefined;
    if (!address || typeof address !== 'object') return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `ws://${host}:${address.port}${this.attached?.path ?? '/connect'}`;
  }

  private later(action: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, ms);
    this.timers.add(timer);
    return timer;
  }
}

/** The topic a connection receives `eventType` under: its EVENT `*` or exact subscription. */
function eventTopic(conn: SimConnection, eventType: string): string | undefined {
  const sub = conn.subscriptions.find(
    (s) => s.type === 'EVENT' && (s.topic === '*' || s.topic === eventType),
  );
  return sub?.topic;
}

/** A stable UUID-shaped `appId`/`eventUnifiedAppId` per clientId. */
function unifiedAppId(clientId: string): string {
  const hex = createHash('sha1').update(clientId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function requestId(): string {
  return randomUUID().toUpperCase();
}

function v1Error(status: number, code: string, message: string) {
  return { status, body: { code, message, requestid: requestId() } };
}
