/** The subscribe-related push events (platforms.md §1.6; WeChat subscribe-message event docs). */
export type SubscribeEventKind = 'popup' | 'change' | 'sent';

const KIND_BY_EVENT: ReadonlyMap<string, { kind: SubscribeEventKind; container: string }> = new Map([
  ['subscribe_msg_popup_event', { kind: 'popup', container: 'SubscribeMsgPopupEvent' }],
  ['subscribe_msg_change_event', { kind: 'change', container: 'SubscribeMsgChangeEvent' }],
  ['subscribe_msg_sent_event', { kind: 'sent', container: 'SubscribeMsgSentEvent' }],
]);

/** One `List` entry: a template's consent change, or one message's delivery result. */
export interface SubscribeEventEntry {
  templateId: string;
  /** popup/change: `accept` or `reject` (other strings are passed through, e.g. `ban`). */
  subscribeStatus?: string;
  /** popup only: where the dialog was shown (`0` wx.requestSubscribeMessage, …). */
  popupScene?: string;
  /** sent only: the message id, as digits. */
  msgId?: string;
  /** sent only: 0 delivered; otherwise why not (e.g. 10005 the user blocked messages). */
  errorCode?: number;
  /** sent only: `success`, `fail:user refuse`, … */
  errorStatus?: string;
}

/** A subscribe event in a typed shape; `openid` is `FromUserName`. */
export interface SubscribeEvent {
  kind: SubscribeEventKind;
  openid: string;
  /** Seconds since the epoch, as WeChat sent it. */
  createTime: number;
  entries: SubscribeEventEntry[];
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function entryOf(raw: unknown): SubscribeEventEntry | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const fields = raw as Record<string, unknown>;
  const templateId = text(fields.TemplateId);
  if (templateId === undefined || templateId === '') return undefined;
  const entry: SubscribeEventEntry = { templateId };
  const status = text(fields.SubscribeStatusString);
  if (status !== undefined) entry.subscribeStatus = status;
  const scene = text(fields.PopupScene);
  if (scene !== undefined) entry.popupScene = scene;
  const msgId = text(fields.MsgID ?? fields.MsgId);
  if (msgId !== undefined) entry.msgId = msgId;
  const errorCode = Number(text(fields.ErrorCode));
  if (text(fields.ErrorCode) !== undefined && Number.isSafeInteger(errorCode)) entry.errorCode = errorCode;
  const errorStatus = text(fields.ErrorStatus);
  if (errorStatus !== undefined) entry.errorStatus = errorStatus;
  return entry;
}

/**
 * The typed shape of a subscribe push event, or undefined when `event` is another kind of push or
 * lacks what the shape needs. JSON pushes carry `List` at the top level (an array or one object);
 * XML pushes wrap it in `<SubscribeMsgPopupEvent>` / `<SubscribeMsgChangeEvent>` /
 * `<SubscribeMsgSentEvent>`, with one `<List>` element per entry.
 */
export function parseSubscribeEvent(event: Record<string, unknown>): SubscribeEvent | undefined {
  const name = text(event.Event);
  const known = name === undefined ? undefined : KIND_BY_EVENT.get(name);
  const openid = text(event.FromUserName);
  const createTime = Number(text(event.CreateTime));
  if (!known || !openid || !Number.isSafeInteger(createTime)) return undefined;
  const container = event[known.container];
  const list =
    typeof container === 'object' && container !== null && !Array.isArray(container)
      ? (container as Record<string, unknown>).List
      : event.List;
  const rawEntries = Array.isArray(list) ? list : list === undefined ? [] : [list];
  const entries = rawEntries.map(entryOf).filter((entry) => entry !== undefined);
  if (entries.length === 0) return undefined;
  return { kind: known.kind, openid, createTime, entries };
}

/** The XML element wrapping `List` for a subscribe event name (`SubscribeMsgPopupEvent`, …). */
export function subscribeEventContainer(eventName: string): string | undefined {
  return KIND_BY_EVENT.get(eventName)?.container;
}
