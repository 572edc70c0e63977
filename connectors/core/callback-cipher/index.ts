/**
 * The WXBizMsgCrypt-family callback cipher shared by WeChat safe mode, WeCom and DingTalk HTTP
 * callbacks (platforms.md §5): AES-256-CBC envelope, `msg_signature`, WeChat plain signature, and a
 * safe XML parser/builder for the XML envelopes.
 *
 * ```ts
 * const cipher = new CallbackCipher({ token, encodingAesKey, receiveId: corpId });
 * const plaintext = cipher.open({ signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypted });
 * const { encrypted, signature } = cipher.seal('success', timestamp, nonce);
 * ```
 *
 * @packageDocumentation
 */

export { CallbackCipher, type CallbackCipherOptions } from './cipher';
export { CallbackCipherError, type CallbackCipherErrorCode } from './errors';
export { plainSignature } from './signature';
export { buildXml, MAX_CALLBACK_XML_CHARS, parseSafeXml } from './xml';
