import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallbackCipher, CallbackCipherError, parseSafeXml } from '../../core/callback-cipher/index';
import { dedupeKeyOf, openCallback, sealReply, verifyUrl } from './codec';

// Official WeCom sample: sbzhu/weworkapi_python callback/Sample.py (commit 27220fb), examples 1 and 2.
const cipher = new CallbackCipher({
  token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
  receiveId: 'ww1436e0e65a779aee',
});
const VERIFY_QUERY =
  'msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb&timestamp=1476416373&nonce=47744683&echostr=' +
  encodeURIComponent(
    'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==',
  );
const MESSAGE_QUERY = {
  msg_signature: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
  timestamp: '1476422779',
  nonce: '1597212914',
};
const MESSAGE_BODY =
  '<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CallbackCipherError) return error.code;
    throw error;
  }
  return 'none';
}

describe('verifyUrl', () => {
  it('decrypts the official sample echostr (URL-encoded query)', () => {
    expect(verifyUrl(new URLSearchParams(VERIFY_QUERY), cipher)).toBe('1288432023552776189');
  });

  it('accepts a parsed query object and an echostr whose "+" arrived as a space', () => {
    const query = Object.fromEntries(new URLSearchParams(VERIFY_QUERY));
    expect(verifyUrl(query, cipher)).toBe('1288432023552776189');
    const unencoded = new URLSearchParams(VERIFY_QUERY.replace(/%2B/g, '+'));
    expect(verifyUrl(unencoded, cipher)).toBe('1288432023552776189');
  });

  it('refuses a wrong signature, a missing or repeated parameter', () => {
    const bad = new URLSearchParams(VERIFY_QUERY);
    bad.set('nonce', '47744684');
    expect(codeOf(() => verifyUrl(bad, cipher))).toBe('ValidateSignature');
    const missing = new URLSearchParams(VERIFY_QUERY);
    missing.delete('echostr');
    expect(codeOf(() => verifyUrl(missing, cipher))).toBe('ValidateSignature');
    const repeated = { ...Object.fromEntries(new URLSearchParams(VERIFY_QUERY)), nonce: ['1', '2'] };
    expect(codeOf(() => verifyUrl(repeated, cipher))).toBe('ValidateSignature');
  });
});

describe('openCallback', () => {
  it('opens the official sample message; MsgId is the dedupe key', () => {
    const opened = openCallback(MESSAGE_QUERY, MESSAGE_BODY, cipher);
    expect(opened.event).toEqual({
      ToUserName: 'ww1436e0e65a779aee',
      FromUserName: 'ChenJiaShun',
      CreateTime: '1476422779',
      MsgType: 'text',
      Content: '你好',
      MsgId: '1456453720',
      AgentID: '1000002',
    });
    expect(opened.dedupeKey).toBe('msg:1456453720');
  });

  it('checks the signature before anything is decrypted', () => {
    const other = new CallbackCipher({
      token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
      encodingAesKey: 'Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7',
      receiveId: 'x',
    });
    expect(codeOf(() => openCallback({ ...MESSAGE_QUERY, timestamp: '1' }, MESSAGE_BODY, other))).toBe(
      'ValidateSignature',
    );
  });

  it('refuses envelopes without Encrypt and DOCTYPE bodies', () => {
    expect(codeOf(() => openCallback(MESSAGE_QUERY, '<xml><ToUserName>x</ToUserName></xml>', cipher))).toBe(
      'ParseXml',
    );
    expect(
      codeOf(() => openCallback(MESSAGE_QUERY, `<!DOCTYPE x [<!ENTITY a "b">]>${MESSAGE_BODY}`, cipher)),
    ).toBe('ParseXml');
  });

  it('events dedupe on FromUserName + CreateTime + Event; nested elements arrive as JSON', () => {
    const inner =
      '<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><FromUserName><![CDATA[LiNa]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[approve]]></EventKey><TaskId><![CDATA[case-42]]></TaskId><SelectedItems><SelectedItem><QuestionKey>q</QuestionKey></SelectedItem></SelectedItems><AgentID>1000002</AgentID></xml>';
    const { encrypted, signature } = cipher.seal(inner, '1700000001', '123');
    const body = `<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;
    const opened = openCallback(
      { msg_signature: signature, timestamp: '1700000001', nonce: '123' },
      body,
      cipher,
    );
    expect(opened.event).toMatchObject({
      Event: 'template_card_event',
      TaskId: 'case-42',
      EventKey: 'approve',
    });
    expect(JSON.parse(opened.event.SelectedItems!)).toEqual({ SelectedItem: { QuestionKey: 'q' } });
    expect(opened.dedupeKey).toBe('event:LiNa:1700000000:template_card_event');
    expect(dedupeKeyOf({ MsgId: '7', FromUserName: 'x' })).toBe('msg:7');
  });

  it('garbage in → CallbackCipherError only', () => {
    const sealed = cipher.seal('<xml><A>1</A></xml>', '1', '2');
    const query = { msg_signature: sealed.signature, timestamp: '1', nonce: '2' };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `<xml><Encrypt><![CDATA[${s}]]></Encrypt></xml>`),
          fc.base64String().map((s) => `<xml><Encrypt>${s}</Encrypt></xml>`),
        ),
        fc.dictionary(fc.constantFrom('msg_signature', 'timestamp', 'nonce', 'echostr'), fc.string()),
        (body, randomQuery) => {
          for (const run of [
            () => openCallback(query, body, cipher),
            () => openCallback(randomQuery, body, cipher),
            () => verifyUrl(randomQuery, cipher),
          ]) {
            try {
              run();
            } catch (error) {
              expect(error).toBeInstanceOf(CallbackCipherError);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a signed non-XML plaintext is a ParseXml error', () => {
    const { encrypted, signature } = cipher.seal('not xml', '1', '2');
    const body = `<xml><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;
    expect(
      codeOf(() => openCallback({ msg_signature: signature, timestamp: '1', nonce: '2' }, body, cipher)),
    ).toBe('ParseXml');
  });
});

describe('sealReply', () => {
  it('builds the passive reply envelope that the receiver side can open', () => {
    const reply = '<xml><ToUserName>LiNa</ToUserName><MsgType>text</MsgType><Content>已受理</Content></xml>';
    const xml = sealReply(reply, cipher, { timestamp: '1476422779', nonce: '1597212914' });
    const fields = parseSafeXml(xml);
    expect(fields).toMatchObject({ TimeStamp: '1476422779', Nonce: '1597212914' });
    expect(xml).toContain('<TimeStamp>1476422779</TimeStamp>');
    expect(
      cipher.open({
        signature: fields.MsgSignature as string,
        timestamp: '1476422779',
        nonce: '1597212914',
        encrypted: fields.Encrypt as string,
      }),
    ).toBe(reply);
    expect(parseSafeXml(sealReply(reply, cipher)).Nonce).toMatch(/^\d{9}$/);
  });
});
