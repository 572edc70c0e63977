import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildXml, CallbackCipher, plainSignature } from '../../core/callback-cipher';
import { openPush, verifyPushUrl } from './push-codec';
import { PushCodecError } from './push-codec-error';
import { parseSubscribeEvent } from './subscribe-events';

const TOKEN = 'pushToken123';
const APPID = 'wx0123456789abcdef';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const cipher = new CallbackCipher({ token: TOKEN, encodingAesKey: KEY, receiveId: APPID });

function plainQuery(timestamp = '1700000000', nonce = '12345') {
  return { signature: plainSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'o-1' };
}

function reason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof PushCodecError) return error.reason;
    throw error;
  }
  return 'none';
}

const popup = {
  ToUserName: 'gh_x',
  FromUserName: 'o-1',
  CreateTime: 1700000000,
  MsgType: 'event',
  Event: 'subscribe_msg_popup_event',
  List: [
    { TemplateId: 'tpl-a', SubscribeStatusString: 'accept', PopupScene: '0' },
    { TemplateId: 'tpl-b', SubscribeStatusString: 'reject', PopupScene: '0' },
  ],
};

describe('verifyPushUrl', () => {
  it('returns echostr for a valid signature and refuses a wrong or missing one', () => {
    const query = new URLSearchParams({ ...plainQuery(), echostr: 'echo-123' });
    expect(verifyPushUrl(query, TOKEN)).toBe('echo-123');
    expect(
      reason(() => verifyPushUrl({ ...plainQuery(), echostr: 'x', signature: 'f'.repeat(40) }, TOKEN)),
    ).toBe('Signature');
    expect(reason(() => verifyPushUrl({ timestamp: '1', nonce: '2', echostr: 'x' }, TOKEN))).toBe(
      'Signature',
    );
    expect(reason(() => verifyPushUrl(plainQuery(), TOKEN))).toBe('Signature');
  });
});

describe('openPush', () => {
  it('plaintext JSON and XML, with the dedupe key from MsgId or FromUserName+CreateTime+Event', () => {
    const json = openPush(plainQuery(), JSON.stringify(popup), 'application/json', { token: TOKEN });
    expect(json).toMatchObject({
      encrypted: false,
      dedupeKey: 'evt:o-1:1700000000:subscribe_msg_popup_event',
    });
    const xml = buildXml({
      ToUserName: 'gh_x',
      FromUserName: 'o-1',
      CreateTime: 1,
      MsgType: 'text',
      Content: '你好',
      MsgId: '1234567890123456789',
    });
    const opened = openPush(plainQuery(), Buffer.from(xml), 'text/xml', { token: TOKEN });
    expect(opened.event.Content).toBe('你好');
    expect(opened.dedupeKey).toBe('msg:1234567890123456789');
    // JSON MsgIds above 2^53 keep their digits.
    const big = openPush(
      plainQuery(),
      '{"FromUserName":"o","CreateTime":1,"MsgId":1234567890123456789}',
      'application/json',
      { token: TOKEN },
    );
    expect(big.dedupeKey).toBe('msg:1234567890123456789');
  });

  it('plaintext with a bad signature, or any plaintext once a cipher is configured, is refused', () => {
    const body = JSON.stringify(popup);
    expect(
      reason(() => openPush({ ...plainQuery(), signature: 'x' }, body, 'application/json', { token: TOKEN })),
    ).toBe('Signature');
    expect(reason(() => openPush(plainQuery(), body, 'application/json', { token: TOKEN, cipher }))).toBe(
      'Encryption',
    );
  });

  it('safe mode: checks msg_signature over Encrypt (a valid plain signature is not enough), then decrypts', () => {
    const { encrypted, signature } = cipher.seal(JSON.stringify(popup), '1700000000', '999');
    const query = { ...plainQuery('1700000000', '999'), encrypt_type: 'aes', msg_signature: signature };
    const body = JSON.stringify({ ToUserName: 'gh_x', Encrypt: encrypted });
    const opened = openPush(query, body, 'application/json', { token: TOKEN, cipher });
    expect(opened).toMatchObject({ encrypted: true, event: { Event: 'subscribe_msg_popup_event' } });
    expect(
      reason(() =>
        openPush({ ...query, msg_signature: 'a'.repeat(40) }, body, 'application/json', {
          token: TOKEN,
          cipher,
        }),
      ),
    ).toBe('Signature');
    const { msg_signature: _, ...withoutMsgSignature } = query;
    expect(
      reason(() => openPush(withoutMsgSignature, body, 'application/json', { token: TOKEN, cipher })),
    ).toBe('Signature');
    expect(reason(() => openPush(query, body, 'application/json', { token: TOKEN }))).toBe('Encryption');
  });

  it('compatible XML: ignores the plaintext copy and uses the decrypted fields', () => {
    const inner = buildXml({
      ToUserName: 'gh_x',
      FromUserName: 'o-real',
      CreateTime: 5,
      MsgType: 'event',
      Event: 'x',
    });
    const { encrypted, signature } = cipher.seal(inner, '10', '20');
    const envelope = buildXml({
      ToUserName: 'gh_x',
      FromUserName: 'o-forged',
      CreateTime: 5,
      Encrypt: encrypted,
    });
    const opened = openPush(
      { ...plainQuery('10', '20'), encrypt_type: 'aes', msg_signature: signature },
      envelope,
      'text/xml',
      { token: TOKEN, cipher },
    );
    expect(opened.event.FromUserName).toBe('o-real');
    expect(opened.dedupeKey).toBe('evt:o-real:5:x');
  });

  it('refuses DOCTYPE bodies and bodies without dedupe fields', () => {
    const xxe = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>';
    expect(reason(() => openPush(plainQuery(), xxe, 'text/xml', { token: TOKEN }))).toBe('Body');
    expect(
      reason(() => openPush(plainQuery(), '{"MsgType":"text"}', 'application/json', { token: TOKEN })),
    ).toBe('Body');
    expect(reason(() => openPush(plainQuery(), '[1]', undefined, { token: TOKEN }))).toBe('Body');
  });

  it('garbage in → PushCodecError only (property)', () => {
    const field = fc.oneof(fc.string(), fc.constantFrom('aes', plainSignature(TOKEN, '1', '2'), '1', '2'));
    const query = fc.record(
      { signature: field, msg_signature: field, timestamp: field, nonce: field, encrypt_type: field },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc.string().map((s) => `<xml><Encrypt>${s}</Encrypt></xml>`),
      fc.base64String().map((s) => JSON.stringify({ Encrypt: s, FromUserName: 'o', CreateTime: 1 })),
    );
    fc.assert(
      fc.property(
        query,
        body,
        fc.constantFrom(undefined, 'application/json', 'text/xml'),
        fc.boolean(),
        (q, b, type, withCipher) => {
          try {
            const opened = openPush(q, b, type, withCipher ? { token: TOKEN, cipher } : { token: TOKEN });
            expect(typeof opened.dedupeKey).toBe('string');
          } catch (error) {
            expect(error).toBeInstanceOf(PushCodecError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('parseSubscribeEvent', () => {
  it('reads popup (JSON List array), change and sent (XML containers) events', () => {
    expect(parseSubscribeEvent(popup)).toEqual({
      kind: 'popup',
      openid: 'o-1',
      createTime: 1700000000,
      entries: [
        { templateId: 'tpl-a', subscribeStatus: 'accept', popupScene: '0' },
        { templateId: 'tpl-b', subscribeStatus: 'reject', popupScene: '0' },
      ],
    });
    const sent = {
      FromUserName: 'o-2',
      CreateTime: '1700000001',
      Event: 'subscribe_msg_sent_event',
      SubscribeMsgSentEvent: {
        List: { TemplateId: 'tpl-a', MsgID: '1700827132819554304', ErrorCode: '0', ErrorStatus: 'success' },
      },
    };
    expect(parseSubscribeEvent(sent)?.entries).toEqual([
      { templateId: 'tpl-a', msgId: '1700827132819554304', errorCode: 0, errorStatus: 'success' },
    ]);
    const change = {
      FromUserName: 'o-3',
      CreateTime: '1',
      Event: 'subscribe_msg_change_event',
      SubscribeMsgChangeEvent: { List: [{ TemplateId: 't', SubscribeStatusString: 'reject' }] },
    };
    expect(parseSubscribeEvent(change)).toMatchObject({
      kind: 'change',
      entries: [{ subscribeStatus: 'reject' }],
    });
  });

  it('is undefined for other events and malformed ones, never throws (property)', () => {
    expect(
      parseSubscribeEvent({ Event: 'user_enter_tempsession', FromUserName: 'o', CreateTime: 1 }),
    ).toBeUndefined();
    expect(parseSubscribeEvent({ Event: 'constructor', FromUserName: 'o', CreateTime: 1 })).toBeUndefined();
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom('Event', 'FromUserName', 'CreateTime', 'List', 'SubscribeMsgSentEvent'),
          fc.anything(),
        ),
        (event) => {
          parseSubscribeEvent({ Event: 'subscribe_msg_sent_event', ...event });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
