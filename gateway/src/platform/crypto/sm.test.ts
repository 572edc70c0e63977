import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import fc from 'fast-check';
import { sm2 as libSm2, sm3 as libSm3, sm4 as libSm4 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import {
  generateSm2KeyPair,
  hmacSm3,
  parseDerSignature,
  SM2_DEFAULT_USER_ID,
  sm2PublicKeyOf,
  sm2Sign,
  sm2Verify,
  sm3,
} from './sm';
import { allVectorIds, vector } from './test-support';

const hex = (h: string) => Buffer.from(h, 'hex');
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

describe('gm-vectors.json', () => {
  it('holds the nine known answers these tests cover', () => {
    expect(allVectorIds()).toEqual([
      'sm4-ecb-gbt32907-A1',
      'sm4-ecb-gbt32907-A2-1e6',
      'sm4-cbc-ribose-A.2.2.1',
      'sm4-ctr-ribose-A.2.5.1',
      'sm4-gcm-rfc8998-A.1',
      'sm3-gbt32905-A1-abc',
      'sm3-gbt32905-A2-512bit',
      'sm2-sign-gmt0003.5-annexA',
      'hmac-sm3-crosscheck-1',
    ]);
  });
});

describe('sm3', () => {
  it.each(['sm3-gbt32905-A1-abc', 'sm3-gbt32905-A2-512bit'])('matches GB/T 32905 %s', (id) => {
    const v = vector(id);
    expect(sm3(hex(v.message_hex!)).toString('hex')).toBe(v.digest);
  });

  it('hashes strings as UTF-8', () => {
    expect(sm3('abc').toString('hex')).toBe(vector('sm3-gbt32905-A1-abc').digest);
    expect(sm3('身份证')).toEqual(sm3(Buffer.from('身份证', 'utf8')));
  });

  it('agrees with sm-crypto-v2 on arbitrary input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(sm3(data).toString('hex')).toBe(libSm3(data));
      }),
      { numRuns: 500 },
    );
  });
});

describe('hmacSm3', () => {
  it('matches the cross-implementation vector', () => {
    const v = vector('hmac-sm3-crosscheck-1');
    expect(hmacSm3(hex(v.key!), v.message_ascii!).toString('hex')).toBe(v.mac);
  });

  it('agrees with sm-crypto-v2 for arbitrary keys (short, block-sized and longer than a block)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 100 }),
        fc.uint8Array({ maxLength: 200 }),
        (key, data) => {
          expect(hmacSm3(key, data).toString('hex')).toBe(libSm3(data, { key, mode: 'hmac' }));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('SM4 in node:crypto (GB/T 32907)', () => {
  it('ECB one block, 附录A 示例1', () => {
    const v = vector('sm4-ecb-gbt32907-A1');
    const c = createCipheriv('sm4-ecb', hex(v.key!), null).setAutoPadding(false);
    expect(Buffer.concat([c.update(hex(v.plaintext!)), c.final()]).toString('hex')).toBe(v.ciphertext);
    const d = createDecipheriv('sm4-ecb', hex(v.key!), null).setAutoPadding(false);
    expect(Buffer.concat([d.update(hex(v.ciphertext!)), d.final()]).toString('hex')).toBe(v.plaintext);
  });

  it('ECB 1,000,000 iterations, 附录A 示例2', () => {
    const v = vector('sm4-ecb-gbt32907-A2-1e6');
    const c = createCipheriv('sm4-ecb', hex(v.key!), null).setAutoPadding(false);
    let block = hex(v.plaintext!);
    for (let i = 0; i < v.iterations!; i++) block = c.update(block);
    expect(block.toString('hex')).toBe(v.ciphertext);
  });

  it.each([
    ['sm4-cbc-ribose-A.2.2.1', 'sm4-cbc'],
    ['sm4-ctr-ribose-A.2.5.1', 'sm4-ctr'],
  ] as const)('%s with %s, both directions', (id, algorithm) => {
    const v = vector(id);
    const c = createCipheriv(algorithm, hex(v.key!), hex(v.iv!)).setAutoPadding(false);
    expect(Buffer.concat([c.update(hex(v.plaintext!)), c.final()]).toString('hex')).toBe(v.ciphertext);
    const d = createDecipheriv(algorithm, hex(v.key!), hex(v.iv!)).setAutoPadding(false);
    expect(Buffer.concat([d.update(hex(v.ciphertext!)), d.final()]).toString('hex')).toBe(v.plaintext);
  });

  it('SM4-GCM, RFC 8998 A.1, in sm-crypto-v2 (Node 20 has no sm4-gcm; not used by the field cipher)', () => {
    const v = vector('sm4-gcm-rfc8998-A.1');
    const out = libSm4.encrypt(hex(v.plaintext!), hex(v.key!), {
      mode: 'gcm',
      iv: hex(v.iv!),
      associatedData: hex(v.aad!),
      padding: 'none',
      outputTag: true,
      output: 'array',
    });
    expect(Buffer.from(out.output).toString('hex')).toBe(v.ciphertext);
    expect(Buffer.from(out.tag!).toString('hex')).toBe(v.tag);
  });
});

describe('SM2 (GB/T 32918, GM/T 0003.5 附录A)', () => {
  const v = vector('sm2-sign-gmt0003.5-annexA');

  it('uses the GM/T 0009 default user id of the vector', () => {
    expect(SM2_DEFAULT_USER_ID).toBe(v.user_id_ascii);
  });

  it('derives the public key of the vector', () => {
    expect(sm2PublicKeyOf(v.private_key_d!)).toBe(v.public_key_uncompressed);
  });

  it('Z_A and e, recomputed with node:crypto SM3 from the curve parameters, match the vector', () => {
    const a = 'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc';
    const b = '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93';
    const gx = '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7';
    const gy = 'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0';
    const id = Buffer.from(v.user_id_ascii!, 'ascii');
    const entl = Buffer.from([(id.length * 8) >> 8, (id.length * 8) & 0xff]);
    const za = sm3(Buffer.concat([entl, id, hex(a + b + gx + gy + v.public_key_uncompressed!.slice(2))]));
    expect(za.toString('hex')).toBe(v.Z_A);
    expect(sm3(Buffer.concat([za, Buffer.from(v.message_ascii!)])).toString('hex')).toBe(v.e);
  });

  it('verifies the official signature', () => {
    expect(sm2Verify(v.message_ascii!, v.signature_der!, v.public_key_uncompressed!)).toBe(true);
    expect(sm2Verify(Buffer.from(v.message_ascii!), v.signature_der!, v.public_key_uncompressed!)).toBe(true);
  });

  it('reproduces r and s from the vector k with the options sm2Sign uses', () => {
    const x1 = BigInt(`0x${libSm2.getPublicKeyFromPrivateKey(v.k!).slice(2, 66)}`);
    const sig = libSm2.doSignature(v.message_ascii!, v.private_key_d!, {
      hash: true,
      der: true,
      userId: SM2_DEFAULT_USER_ID,
      publicKey: v.public_key_uncompressed!,
      pointPool: [{ k: BigInt(`0x${v.k}`), x1 }],
    });
    expect(sig).toBe(v.signature_der);
    expect(parseDerSignature(sig)).toEqual({ r: BigInt(`0x${v.r}`), s: BigInt(`0x${v.s}`) });
  });

  it('rejects the official signature under another message, user id or key', () => {
    const other = generateSm2KeyPair();
    expect(sm2Verify('message digesT', v.signature_der!, v.public_key_uncompressed!)).toBe(false);
    expect(
      sm2Verify(v.message_ascii!, v.signature_der!, v.public_key_uncompressed!, { userId: 'ALICE' }),
    ).toBe(false);
    expect(sm2Verify(v.message_ascii!, v.signature_der!, other.publicKey)).toBe(false);
  });

  it('signs and verifies round trip; any other message, user id or flipped signature byte fails', () => {
    const keys = generateSm2KeyPair();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ minLength: 1 }), fc.nat(), (msg, other, at) => {
        const sig = sm2Sign(msg, keys.privateKey);
        expect(sm2Verify(msg, sig, keys.publicKey)).toBe(true);
        if (other !== msg) expect(sm2Verify(other, sig, keys.publicKey)).toBe(false);
        expect(sm2Verify(msg, sig, keys.publicKey, { userId: 'another-user-id' })).toBe(false);
        const flipped = Buffer.from(sig, 'hex');
        const i = at % flipped.length;
        flipped[i] = flipped[i]! ^ 0x01;
        expect(sm2Verify(msg, flipped.toString('hex'), keys.publicKey)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('signs with a custom user id', () => {
    const keys = generateSm2KeyPair();
    const sig = sm2Sign('审批通过', keys.privateKey, { userId: 'gcrm-oa@example.invalid' });
    expect(sm2Verify('审批通过', sig, keys.publicKey, { userId: 'gcrm-oa@example.invalid' })).toBe(true);
    expect(sm2Verify('审批通过', sig, keys.publicKey)).toBe(false);
  });

  it('returns false, never throws, on malformed signatures and keys', () => {
    const pub = v.public_key_uncompressed!;
    const int = (n: bigint) => {
      let h = n.toString(16);
      if (h.length % 2) h = `0${h}`;
      if (Number.parseInt(h.slice(0, 2), 16) & 0x80) h = `00${h}`;
      return `02${(h.length / 2).toString(16).padStart(2, '0')}${h}`;
    };
    const seq = (body: string) => `30${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
    const r = BigInt(`0x${v.r}`);
    const s = BigInt(`0x${v.s}`);
    expect(seq(int(r) + int(s))).toBe(v.signature_der);
    for (const bad of [
      '',
      'zz',
      '30',
      v.signature_der!.slice(0, -2),
      `${v.signature_der}00`,
      seq(int(r) + int(s + N)), // s out of range, same point
      seq(int(r) + int(0n)),
      seq(int(0n) + int(s)),
      seq(`0220${v.r}${int(s)}`), // r has its top bit set and no 00 byte: a negative INTEGER
      seq(`02220000${v.r}${int(s)}`), // an extra zero byte: not minimal DER
      `${v.signature_der!.slice(0, 3)}`, // odd number of hex digits
    ]) {
      expect(sm2Verify(v.message_ascii!, bad, pub)).toBe(false);
    }
    expect(sm2Verify(v.message_ascii!, v.signature_der!, `04${'00'.repeat(64)}`)).toBe(false);
    expect(sm2Verify(v.message_ascii!, v.signature_der!, 'not a key')).toBe(false);
    expect(() => sm2Sign('x', 'not a key')).toThrow(RangeError);
    expect(() => sm2Sign('x', '00'.repeat(32))).toThrow(RangeError);
  });

  it('node:crypto sm3 still matches this module (guards against a hash swap)', () => {
    expect(createHash('sm3').update('abc').digest()).toEqual(sm3('abc'));
  });
});
