import { createCipheriv, createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallbackCipher } from './cipher';
import { CallbackCipherError } from './errors';
import { plainSignature } from './signature';

// Official WeCom sample: sbzhu/weworkapi_python callback/Sample.py (commit 27220fb), examples 1 and 2.
const WECOM = {
  token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
  receiveId: 'ww1436e0e65a779aee',
};
const WECOM_VERIFY = {
  signature: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb',
  timestamp: '1476416373',
  nonce: '47744683',
  encrypted: 'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==',
};
const WECOM_MESSAGE = {
  signature: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
  timestamp: '1476422779',
  nonce: '1597212914',
  encrypted:
    'Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+',
};
// Official DingTalk sample: open-dingtalk/DingTalk-Callback-Crypto DingCallbackCrypto3.py (commit 07dca6d), __main__.
const DINGTALK = {
  token: 'mryue',
  encodingAesKey: 'Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7',
  receiveId: 'ding6ccabc44d2c8d38b',
};
const DINGTALK_CHECK_URL = {
  signature: '03044561471240d4a14bb09372dfcfd4fd0e40cb',
  timestamp: '1608001896814',
  nonce: 'WL4PK6yA',
  encrypted:
    '0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3',
};

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof CallbackCipherError) return error.code;
    throw error;
  }
  return 'none';
}

/** A second, independent encryptor: node:crypto with auto-padding over an already 32-aligned buffer. */
function referenceEncrypt(key43: string, receiveId: string, message: string, random: Buffer): string {
  const key = Buffer.from(`${key43}=`, 'base64');
  const msg = Buffer.from(message, 'utf8');
  const body = Buffer.concat([random, Buffer.from([0, 0, 0, 0]), msg, Buffer.from(receiveId, 'utf8')]);
  body.writeUInt32BE(msg.length, 16);
  const padLength = 32 - (body.length % 32);
  const padded = Buffer.concat([body, Buffer.alloc(padLength, padLength)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  // Auto-padding adds one 16-byte block of 0x10 after the aligned input; drop it.
  const out = Buffer.concat([cipher.update(padded), cipher.final()]);
  return out.subarray(0, padded.length).toString('base64');
}

describe('CallbackCipher known answers', () => {
  it('WeCom URL verification (Sample.py example 1)', () => {
    const cipher = new CallbackCipher(WECOM);
    expect(cipher.signature(WECOM_VERIFY.timestamp, WECOM_VERIFY.nonce, WECOM_VERIFY.encrypted)).toBe(
      WECOM_VERIFY.signature,
    );
    expect(cipher.open(WECOM_VERIFY)).toBe('1288432023552776189');
  });

  it('WeCom message decryption (Sample.py example 2)', () => {
    const cipher = new CallbackCipher(WECOM);
    expect(cipher.open(WECOM_MESSAGE)).toBe(
      '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>',
    );
  });

  it('DingTalk check_url (DingCallbackCrypto3.py __main__)', () => {
    const cipher = new CallbackCipher(DINGTALK);
    expect(
      cipher.verify(DINGTALK_CHECK_URL.signature, '1608001896814', 'WL4PK6yA', DINGTALK_CHECK_URL.encrypted),
    ).toBe(true);
    expect(cipher.open(DINGTALK_CHECK_URL)).toBe('{"EventType":"check_url"}');
  });

  it('a wrong receiveId is refused with ValidateReceiveId (-40005 / 900010)', () => {
    const cipher = new CallbackCipher({ ...WECOM, receiveId: 'ww0000000000000000' });
    let error: unknown;
    try {
      cipher.open(WECOM_MESSAGE);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CallbackCipherError);
    expect((error as CallbackCipherError).code).toBe('ValidateReceiveId');
    expect((error as CallbackCipherError).wecomCode()).toBe(-40005);
    expect((error as CallbackCipherError).dingtalkCode()).toBe(900010);
  });

  it('signature is checked before decryption', () => {
    const cipher = new CallbackCipher({ ...WECOM, receiveId: 'other' });
    expect(codeOf(() => cipher.open({ ...WECOM_MESSAGE, nonce: '1597212915' }))).toBe('ValidateSignature');
  });

  it('plainSignature is sha1 over the sorted three fields', () => {
    const expected = createHash('sha1')
      .update(['1409659589', '263014780', 'tok'].sort().join(''))
      .digest('hex');
    expect(plainSignature('tok', '1409659589', '263014780')).toBe(expected);
  });

  it('decrypts MIME-wrapped base64 (python encodebytes inserts newlines)', () => {
    const cipher = new CallbackCipher(DINGTALK);
    const wrapped = DINGTALK_CHECK_URL.encrypted.replace(/(.{76})/g, '$1\n');
    expect(cipher.decrypt(wrapped)).toBe('{"EventType":"check_url"}');
  });
});

describe('CallbackCipher encryption', () => {
  const random = Buffer.from('00ff10807f0102030405060708090a0b', 'hex');

  it('matches an independent reference with fixed random bytes', () => {
    const cipher = new CallbackCipher(WECOM);
    for (const message of ['', 'a', 'x'.repeat(10), '你好 👋', 'y'.repeat(300)]) {
      expect(cipher.encrypt(message, random)).toBe(
        referenceEncrypt(WECOM.encodingAesKey, WECOM.receiveId, message, random),
      );
    }
  });

  it('pads an aligned plaintext with a full block of 0x20', () => {
    // 16 + 4 + 12 = 32 bytes with an empty receiveId.
    const cipher = new CallbackCipher({ ...WECOM, receiveId: '' });
    const encrypted = Buffer.from(cipher.encrypt('abcdefghijkl', random), 'base64');
    expect(encrypted.length).toBe(64);
    expect(cipher.decrypt(encrypted.toString('base64'))).toBe('abcdefghijkl');
  });

  it('seal produces what open accepts', () => {
    const cipher = new CallbackCipher(DINGTALK);
    const sealed = cipher.seal('success', '1608001896814', 'WL4PK6yA');
    expect(cipher.open({ ...sealed, timestamp: '1608001896814', nonce: 'WL4PK6yA' })).toBe('success');
  });

  it('decrypts with the previous key after a rotation, encrypts with the current one', () => {
    const old = new CallbackCipher(WECOM);
    const rotated = new CallbackCipher({
      ...WECOM,
      encodingAesKey: DINGTALK.encodingAesKey,
      previousEncodingAesKey: WECOM.encodingAesKey,
    });
    expect(rotated.decrypt(old.encrypt('before rotation'))).toBe('before rotation');
    expect(codeOf(() => old.decrypt(rotated.encrypt('after rotation')))).not.toBe('none');
  });

  it('refuses bad keys with IllegalAesKey', () => {
    for (const encodingAesKey of [
      '',
      'short',
      `${WECOM.encodingAesKey}A`,
      `${WECOM.encodingAesKey.slice(0, 42)}!`,
    ]) {
      expect(codeOf(() => new CallbackCipher({ ...WECOM, encodingAesKey }))).toBe('IllegalAesKey');
    }
    expect(codeOf(() => new CallbackCipher({ ...WECOM, previousEncodingAesKey: 'bad' }))).toBe(
      'IllegalAesKey',
    );
    expect(codeOf(() => new CallbackCipher(WECOM).encrypt('x', Buffer.alloc(15)))).toBe('EncryptAES');
  });

  it('classifies malformed ciphertext', () => {
    const cipher = new CallbackCipher(WECOM);
    expect(codeOf(() => cipher.decrypt('not base64!'))).toBe('DecodeBase64');
    expect(codeOf(() => cipher.decrypt(''))).toBe('DecryptAES');
    expect(codeOf(() => cipher.decrypt(Buffer.alloc(20).toString('base64')))).toBe('DecryptAES');
  });
});

describe('CallbackCipher properties', () => {
  const cipher = new CallbackCipher(WECOM);
  const personal = new CallbackCipher({ ...WECOM, receiveId: '' });

  it('round-trips any UTF-8 string (emoji, empty, CJK) for any receiveId', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (m, r) => {
          expect(cipher.decrypt(cipher.encrypt(m, Buffer.from(r)))).toBe(m);
          expect(personal.decrypt(personal.encrypt(m))).toBe(m);
        },
      ),
    );
  });

  it('round-trips through seal/open with arbitrary timestamps and nonces', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 50 }),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        (m, t, n) => {
          const sealed = cipher.seal(m, t, n);
          expect(cipher.open({ ...sealed, timestamp: t, nonce: n })).toBe(m);
        },
      ),
    );
  });

  it('any tampered ciphertext byte is rejected by the signature', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (m, at, flip) => {
        const sealed = cipher.seal(m, '1', '2');
        const bytes = Buffer.from(sealed.encrypted, 'base64');
        const i = at % bytes.length;
        bytes[i] = (bytes[i] ?? 0) ^ flip;
        const tampered = bytes.toString('base64');
        expect(
          codeOf(() =>
            cipher.open({ signature: sealed.signature, timestamp: '1', nonce: '2', encrypted: tampered }),
          ),
        ).toBe('ValidateSignature');
      }),
    );
  });

  it('any tampered signature is rejected', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 41 }), (m, signature) => {
        const sealed = cipher.seal(m, '1', '2');
        fc.pre(signature !== sealed.signature);
        expect(cipher.verify(signature, '1', '2', sealed.encrypted)).toBe(false);
        expect(
          codeOf(() => cipher.open({ signature, timestamp: '1', nonce: '2', encrypted: sealed.encrypted })),
        ).toBe('ValidateSignature');
      }),
    );
  });

  it('a tampered ciphertext that is decrypted anyway never yields the message unnoticed, and only throws CallbackCipherError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (m, at, flip) => {
        const bytes = Buffer.from(cipher.encrypt(m), 'base64');
        const i = at % bytes.length;
        bytes[i] = (bytes[i] ?? 0) ^ flip;
        try {
          cipher.decrypt(bytes.toString('base64'));
        } catch (error) {
          expect(error).toBeInstanceOf(CallbackCipherError);
        }
      }),
    );
  });

  it('garbage in → CallbackCipherError only', () => {
    const garbage = fc.oneof(
      fc.string(),
      fc.base64String(),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
      fc
        .integer({ min: 1, max: 12 })
        .chain((blocks) =>
          fc
            .uint8Array({ minLength: blocks * 16, maxLength: blocks * 16 })
            .map((b) => Buffer.from(b).toString('base64')),
        ),
    );
    fc.assert(
      fc.property(garbage, (input) => {
        try {
          cipher.decrypt(input);
        } catch (error) {
          expect(error).toBeInstanceOf(CallbackCipherError);
        }
        try {
          cipher.open({ signature: input, timestamp: input, nonce: input, encrypted: input });
        } catch (error) {
          expect(error).toBeInstanceOf(CallbackCipherError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('non-string inputs are typed errors too', () => {
    expect(codeOf(() => cipher.decrypt(42 as any))).toBe('DecodeBase64');
    expect(codeOf(() => cipher.signature(1 as any, '', ''))).toBe('ComputeSignature');
    expect(cipher.verify(undefined as any, '1', '2', 'x')).toBe(false);
  });
});
