import type { WecomInvalidRecipients } from '../errors';
import type { WecomHttp } from '../transport/http';
import { reader, splitIds } from './parse';

/** One article of a `news` message (1–8 per message). Give `url`, or `appid` + `pagepath`. */
export interface WecomNewsArticle {
  title: string;
  description?: string;
  url?: string;
  picurl?: string;
  appid?: string;
  pagepath?: string;
}

/** The message body, by `msgtype` (platforms.md §3.3; field names as on the wire, path/90236). */
export type WecomMessageContent =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'textcard'; textcard: { title: string; description: string; url: string; btntxt?: string } }
  | { msgtype: 'news'; news: { articles: WecomNewsArticle[] } }
  | { msgtype: 'markdown'; markdown: { content: string } };

/**
 * `message/send` input. At least one of `touser` (≤1000, or `['@all']`), `toparty` (≤100) and `totag`
 * (≤100). `agentid` comes from {@link WecomConfig.agentId}.
 */
export type WecomSendMessageInput = WecomMessageContent & {
  touser?: string[];
  toparty?: string[];
  totag?: string[];
  /** 1: shown with a watermark and not forwardable (text, textcard, news … per path/90236). */
  safe?: 0 | 1;
  enable_id_trans?: 0 | 1;
  /** 1: an identical message inside `duplicate_check_interval` is not sent again. */
  enable_duplicate_check?: 0 | 1;
  /** Seconds, default 1800, at most 4 h. */
  duplicate_check_interval?: number;
};

/**
 * A sent message. Partial failure still succeeds (errcode 0): the ids that got nothing are listed.
 * All recipients invalid is a {@link WecomRecipientsError} (81013) instead.
 */
export interface WecomSendMessageResult extends WecomInvalidRecipients {
  msgid: string;
  /** Only for interactive cards; absent for the message types offered here. */
  responseCode?: string;
}

const PATH = '/cgi-bin/message/send';

/** `POST /cgi-bin/message/send` (platforms.md §3.3). */
export async function sendMessage(
  http: WecomHttp,
  accessToken: string,
  agentId: number,
  input: WecomSendMessageInput,
): Promise<WecomSendMessageResult> {
  const { touser, toparty, totag, msgtype, ...rest } = input;
  const body: Record<string, unknown> = { msgtype, agentid: agentId, ...rest };
  if (touser?.length) body.touser = touser.join('|');
  if (toparty?.length) body.toparty = toparty.join('|');
  if (totag?.length) body.totag = totag.join('|');
  const answer = await http.post(PATH, body, { access_token: accessToken });
  const r = reader(PATH);
  const result: WecomSendMessageResult = {
    msgid: r.string(answer.msgid, 'msgid'),
    invaliduser: splitIds(answer.invaliduser),
    invalidparty: splitIds(answer.invalidparty),
    invalidtag: splitIds(answer.invalidtag),
    unlicenseduser: splitIds(answer.unlicenseduser),
  };
  const responseCode = r.optionalString(answer.response_code);
  if (responseCode !== undefined) result.responseCode = responseCode;
  return result;
}
