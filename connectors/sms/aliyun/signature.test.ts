import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, percentEncode, rpcSignature, stringToSign } from './signature';

describe('Aliyun RPC signature v1', () => {
  it('reproduces the published DescribeRegions example (testid / testsecret)', () => {
    // Worked example from Aliyun's signature doc, quoted at developer.aliyun.com/ask/210168:
    // key "testsecret&", expected Signature CT9X0VtwR86fNWSnsc6v8YGOjuE=.
    const params = {
      TimeStamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    expect(stringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(rpcSignature('GET', params, 'testsecret')).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
  });

  it('percent-encodes per the doc table: unreserved kept, space %20, * %2A, ~ kept, UTF-8 bytes', () => {
    expect(percentEncode('A-z_0.9~')).toBe('A-z_0.9~');
    expect(percentEncode("a b*c+d!'()")).toBe('a%20b%2Ac%2Bd%21%27%28%29');
    expect(percentEncode('受理')).toBe('%E5%8F%97%E7%90%86');
    expect(percentEncode('{"item":"x"}')).toBe('%7B%22item%22%3A%22x%22%7D');
  });

  it('leaves Signature out of the canonical query', () => {
    expect(canonicalQuery({ B: '2', A: '1', Signature: 'x' })).toBe('A=1&B=2');
  });

  it('matches an independent byte-level reimplementation of the spec (property)', () => {
    const unreserved = /[A-Za-z0-9\-_.~]/;
    const encode = (value: string) =>
      [...Buffer.from(value, 'utf8')]
        .map((byte) => {
          const char = String.fromCharCode(byte);
          return byte < 0x80 && unreserved.test(char)
            ? char
            : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
        })
        .join('');
    const reference = (method: string, params: Record<string, string>, secret: string) => {
      const names = Object.keys(params).filter((n) => n !== 'Signature');
      const pairs = names
        .map((n) => [encode(n), encode(params[n]!)])
        .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
      const query = pairs.map(([n, v]) => `${n}=${v}`).join('&');
      const toSign = `${method}&${encode('/')}&${encode(query)}`;
      return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
    };
    const text = fc.string({ unit: 'grapheme', maxLength: 20 });
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), text),
        text,
        fc.constantFrom('GET', 'POST'),
        (params, secret, method) => {
          expect(rpcSignature(method as 'GET', params, secret)).toBe(reference(method, params, secret));
        },
      ),
      { numRuns: 500 },
    );
  });
});
