import { WechatApiError, WechatTransportError } from '../errors';
import { SubscribeMessageError } from '../subscribe-error';
import type { WechatHttp } from '../transport/http';

/** One subscribe message (platforms.md §1.3). `data` values are plain strings; the client wraps them. */
export interface SubscribeMessage {
  /** The citizen's openid in this mini-program. */
  touser: string;
  templateId: string;
  /** Page opened from the card, e.g. `pages/case/detail?id=1`; must exist in the released version. */
  page?: string;
  /** Template keys (`thing1`, `time2`, …) to values; each key's type prefix limits its value. */
  data: Record<string, string>;
  /** Default `formal`. */
  miniprogramState?: 'developer' | 'trial' | 'formal';
  /** Default `zh_CN`. */
  lang?: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';
}

export interface SubscribeMessageSent {
  /**
   * WeChat's message id. A string: the platform's numeric ids exceed 2^53, so digits past that may
   * already be lost in JSON parsing; use it for logs, not as a key.
   */
  msgid: string;
}

export const SUBSCRIBE_SEND_PATH = '/cgi-bin/message/subscribe/send';

/** `POST /cgi-bin/message/subscribe/send`; errcodes become {@link SubscribeMessageError}. */
export async function sendSubscribeMessage(
  http: WechatHttp,
  accessToken: string,
  message: SubscribeMessage,
): Promise<SubscribeMessageSent> {
  const data: Record<string, { value: string }> = {};
  for (const [key, value] of Object.entries(message.data)) data[key] = { value };
  const body: Record<string, unknown> = { touser: message.touser, template_id: message.templateId, data };
  if (message.page !== undefined) body.page = message.page;
  if (message.miniprogramState !== undefined) body.miniprogram_state = message.miniprogramState;
  if (message.lang !== undefined) body.lang = message.lang;
  let answer: Record<string, unknown>;
  try {
    answer = await http.post(SUBSCRIBE_SEND_PATH, body, { access_token: accessToken });
  } catch (error) {
    if (error instanceof WechatApiError) {
      throw new SubscribeMessageError(error.path, error.errcode, error.errmsg);
    }
    throw error;
  }
  const msgid = answer.msgid;
  if (typeof msgid !== 'number' && typeof msgid !== 'string') {
    throw new WechatTransportError(SUBSCRIBE_SEND_PATH, 'response without msgid');
  }
  return { msgid: String(msgid) };
}
