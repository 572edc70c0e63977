import type { BackoffRange } from './backoff';
import type { DingtalkStreamOpenError } from './errors';
import type { StreamEvent, StreamEventStatus, StreamFrameError } from './frames';
import type { StreamSubscription } from './open-connection';

/** Structured log sink. Fields never hold secrets, tickets or event data. */
export interface StreamLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Settings of one Stream-mode client (one app, one live connection at a time). */
export interface StreamClientOptions {
  /** New-generation API origin: `https://api.dingtalk.com` in production, or a simulator URL. */
  apiBase: string;
  /** AppKey (ClientID). */
  clientId: string;
  /** AppSecret (ClientSecret): a credential, never logged. */
  clientSecret: string;
  subscriptions: StreamSubscription[];
  /**
   * Handle one EVENT. Resolve `SUCCESS` once the event is durably taken (the gateway's inbox), `LATER` to
   * have DingTalk redeliver it; a throw counts as `LATER`.
   *
   * The same `eventId` can arrive more than once (after a lost ack, a reconnect, or simply twice):
   * the handler must dedupe by `eventId`. Order is not guaranteed either.
   */
  onEvent(event: StreamEvent): Promise<StreamEventStatus>;
  /**
   * Handle one CALLBACK frame of a subscribed topic (e.g. `/v1.0/im/bot/messages/get`); the result is
   * sent back as the ack's `{"response": result}`. Without it, callbacks are acked with code 404.
   */
  onCallback?(topic: string, data: Record<string, unknown>): Promise<unknown>;
  logger?: StreamLogger;
  /** Client tag sent at registration, `name-sdk-lang/version`. Default {@link DEFAULT_STREAM_UA}. */
  ua?: string;
  /** `localIp` sent at registration. Default: this host's non-internal IPv4 addresses. */
  localIp?: string;
  /** Reconnect backoff. Default {@link DEFAULT_RECONNECT}. */
  reconnect?: BackoffRange;
  /** Timeout of the registration call and of the WebSocket handshake. Default 10 s. */
  connectTimeoutMs?: number;
  /** WebSocket ping interval; a connection without a pong by the next ping is dropped. Default 30 s; 0 = off. */
  keepAliveMs?: number;
  /** How long {@link StreamClient.stop} waits for in-flight handlers. Default 10 s. */
  stopDeadlineMs?: number;
}

export const DEFAULT_STREAM_UA = 'gcrm-sdk-nodejs/0.1.0';
export const DEFAULT_RECONNECT: BackoffRange = { minMs: 1000, maxMs: 60_000 };

/**
 * `idle` → `connecting` → `open`; `reconnecting` between connections (also while a `disconnect` hand-over
 * is under way); `stopping` → `stopped` after {@link StreamClient.stop}; `failed` after a permanent
 * registration error (invalid credentials).
 */
export type StreamClientState =
  | 'idle'
  | 'connecting'
  | 'open'
  | 'reconnecting'
  | 'stopping'
  | 'stopped'
  | 'failed';

/** Observability events of a {@link StreamClient}. */
export interface StreamClientEvents {
  state: [state: StreamClientState];
  /** A connection opened (`connections` counts every open since start). */
  connected: [info: { connections: number }];
  /** A connection closed; `replaced` when it was handed over after a `disconnect` frame. */
  disconnected: [info: { code: number; replaced: boolean }];
  reconnecting: [info: { attempt: number; delayMs: number; cause: string }];
  /** Registration failed for good; the client is `failed` and stays stopped. */
  failed: [error: DingtalkStreamOpenError];
  /** A frame that does not follow the protocol was ignored (or, for a malformed EVENT, acked and dropped). */
  frameError: [error: StreamFrameError];
}

/** Counters since start. */
export interface StreamClientStats {
  connections: number;
  events: number;
  acksSuccess: number;
  acksLater: number;
  callbacks: number;
  pings: number;
  frameErrors: number;
}

/**
 * A DingTalk Stream-mode client: registers, keeps one WebSocket open, answers pings, acks events with the
 * handler's answer and reconnects (with a new ticket) after a `disconnect` frame or a dropped connection.
 */
export interface StreamClient {
  /**
   * Connect. Resolves once the first connection is open; rejects with a permanent
   * {@link DingtalkStreamOpenError}, or when {@link StreamClient.stop} comes first. Transient failures are
   * retried meanwhile. A client starts once.
   */
  start(): Promise<void>;
  /**
   * Stop taking frames (unacked ones are redelivered by DingTalk), wait up to `deadlineMs` (default
   * `stopDeadlineMs`) for in-flight handlers to ack, then close. Idempotent.
   */
  stop(options?: { deadlineMs?: number }): Promise<void>;
  readonly state: StreamClientState;
  /** Handlers running now. */
  readonly inFlight: number;
  stats(): StreamClientStats;
  on<K extends keyof StreamClientEvents>(
    event: K,
    listener: (...args: StreamClientEvents[K]) => void,
  ): StreamClient;
  off<K extends keyof StreamClientEvents>(
    event: K,
    listener: (...args: StreamClientEvents[K]) => void,
  ): StreamClient;
}
