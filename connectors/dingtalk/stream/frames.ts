/**
 * The Stream-mode wire frames (platforms.md §2.9; developerpedia `docs/learn/stream/protocol.md`), shared by
 * the client and the simulator. Downstream frames are `{specVersion, type, headers, data}` with `data` a
 * JSON string; upstream acks are `{code, headers: {messageId, contentType}, message, data}`.
 */

/** Downstream frame kinds. */
export type StreamFrameType = 'SYSTEM' | 'EVENT' | 'CALLBACK';

/** What an EVENT handler answers: `LATER` asks DingTalk to redeliver. */
export type StreamEventStatus = 'SUCCESS' | 'LATER';

/**
 * Frame headers. Values are strings on the wire in DingTalk's samples (`"time": "1690362102194"`); numbers
 * are accepted and turned into strings. EVENT frames add the `event*` headers.
 */
export interface StreamFrameHeaders {
  topic: string;
  /** Absent on SYSTEM `disconnect` in DingTalk's sample; required on everything that is acked. */
  messageId?: string;
  contentType?: string;
  /** Epoch ms. */
  time?: string;
  appId?: string;
  connectionId?: string;
  eventType?: string;
  eventId?: string;
  eventCorpId?: string;
  /** Epoch ms. */
  eventBornTime?: string;
  eventUnifiedAppId?: string;
  [name: string]: string | undefined;
}

export interface StreamFrame {
  specVersion: string;
  type: StreamFrameType;
  headers: StreamFrameHeaders;
  /** A JSON string (`contentType` application/json). */
  data: string;
}

/** Upstream answer to a frame. `code` 200 OK, 404 topic not supported, 500 internal error. */
export interface StreamAck {
  code: number;
  headers: { messageId: string; contentType: string };
  message: string;
  data: string;
}

/** An EVENT frame as the gateway sees it. Duplicates happen even after a SUCCESS ack: dedupe by `eventId`. */
export interface StreamEvent {
  eventId: string;
  eventType: string;
  corpId: string;
  /** Epoch ms when DingTalk produced the event (`eventBornTime`). */
  bornTime: number;
  headers: StreamFrameHeaders;
  data: Record<string, unknown>;
}

/** Frames above this size are refused by both sides. */
export const MAX_FRAME_BYTES = 1024 * 1024;

const CONTENT_TYPE = 'application/json';
const FRAME_TYPES: ReadonlySet<string> = new Set(['SYSTEM', 'EVENT', 'CALLBACK']);

/** A frame or ack that does not follow the protocol. `reason` never quotes the frame (it may hold personal data). */
export class StreamFrameError extends Error {
  override readonly name = 'StreamFrameError';
  readonly reason: string;

  constructor(reason: string) {
    super(`malformed stream frame: ${reason}`);
    this.reason = reason;
  }
}

/** Parse a downstream frame; throws {@link StreamFrameError}. */
export function parseStreamFrame(raw: string | Buffer): StreamFrame {
  const value = parseObject(raw);
  if (typeof value.type !== 'string' || !FRAME_TYPES.has(value.type))
    throw new StreamFrameError('unknown type');
  // developerpedia's EVENT sample spells the field `header`; the SDKs send `headers`.
  const headers = readHeaders(value.headers ?? value.header);
  if (headers.topic === undefined) throw new StreamFrameError('headers without topic');
  const type = value.type as StreamFrameType;
  if (type !== 'SYSTEM' && headers.messageId === undefined)
    throw new StreamFrameError('headers without messageId');
  if (value.data !== undefined && typeof value.data !== 'string')
    throw new StreamFrameError('data is not a string');
  return {
    specVersion: typeof value.specVersion === 'string' ? value.specVersion : '1.0',
    type,
    headers: headers as StreamFrameHeaders,
    data: value.data ?? '',
  };
}

/** Parse an upstream ack; throws {@link StreamFrameError}. */
export function parseStreamAck(raw: string | Buffer): StreamAck {
  const value = parseObject(raw);
  if (typeof value.code !== 'number' || !Number.isInteger(value.code)) throw new StreamFrameError('code');
  const headers = readHeaders(value.headers);
  if (headers.messageId === undefined) throw new StreamFrameError('headers without messageId');
  if (value.data !== undefined && typeof value.data !== 'string')
    throw new StreamFrameError('data is not a string');
  return {
    code: value.code,
    headers: { messageId: headers.messageId, contentType: headers.contentType ?? CONTENT_TYPE },
    message: typeof value.message === 'string' ? value.message : '',
    data: value.data ?? '',
  };
}

/** The event carried by an EVENT frame; throws {@link StreamFrameError} without eventId/eventType or object data. */
export function toStreamEvent(frame: StreamFrame): StreamEvent {
  const { headers } = frame;
  if (!headers.eventId) throw new StreamFrameError('event without eventId');
  if (!headers.eventType) throw new StreamFrameError('event without eventType');
  const data = parseJsonData(frame.data);
  if (data === null) throw new StreamFrameError('event data is not a JSON object');
  const born = Number(headers.eventBornTime ?? headers.time);
  return {
    eventId: headers.eventId,
    eventType: headers.eventType,
    corpId: headers.eventCorpId ?? '',
    bornTime: Number.isFinite(born) ? born : 0,
    headers,
    data,
  };
}

/** `data` as a JSON object, or null when it is anything else. */
export function parseJsonData(data: string): Record<string, unknown> | null {
  if (data === '') return {};
  try {
    const value: unknown = JSON.parse(data);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/** An ack of `messageId` whose `data` is `payload` JSON-encoded (or the string itself, for ping echoes). */
export function buildAck(messageId: string, payload: unknown, code = 200, message = 'OK'): StreamAck {
  return {
    code,
    headers: { messageId, contentType: CONTENT_TYPE },
    message,
    data: typeof payload === 'string' ? payload : JSON.stringify(payload ?? null),
  };
}

/** The ack of an EVENT frame: data `{"status","message"}`. */
export function buildEventAck(messageId: string, status: StreamEventStatus, message: string): StreamAck {
  return buildAck(messageId, { status, message });
}

/** The status an EVENT ack carries; anything but a well-formed SUCCESS counts as LATER. */
export function eventAckStatus(ack: StreamAck): StreamEventStatus {
  if (ack.code !== 200) return 'LATER';
  return parseJsonData(ack.data)?.status === 'SUCCESS' ? 'SUCCESS' : 'LATER';
}

function parseObject(raw: string | Buffer): Record<string, unknown> {
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) throw new StreamFrameError('not text');
  if (Buffer.byteLength(raw) > MAX_FRAME_BYTES) throw new StreamFrameError('too large');
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new StreamFrameError('not JSON');
  }
  if (!isObject(value)) throw new StreamFrameError('not a JSON object');
  return value;
}

function readHeaders(value: unknown): Record<string, string | undefined> {
  if (!isObject(value)) throw new StreamFrameError('headers is not an object');
  const headers: Record<string, string | undefined> = Object.create(null);
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === 'string' && item !== '') headers[name] = item;
    else if (typeof item === 'number' && Number.isFinite(item)) headers[name] = String(item);
  }
  return headers;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
