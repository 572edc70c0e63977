import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collectSensitivePaths,
  keyFromFieldName,
  mapSensitive,
  readSensitive,
  sensitiveKey,
  valueAt,
} from './sensitive-paths';

const schema = {
  type: 'object',
  properties: {
    idNumber: { type: 'string', 'x-sensitive': 'id-number' },
    name: { type: 'string' },
    home: { type: 'string', 'x-sensitive': 'address' },
    shareholders: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          idNumber: { type: 'string', 'x-sensitive': 'id-number' },
          contact: { type: 'object', properties: { phone: { type: 'string', 'x-sensitive': 'phone' } } },
        },
      },
    },
  },
};

describe('sensitive paths', () => {
  const paths = collectSensitivePaths(schema);

  it('finds x-sensitive fields at any depth, arrays as *', () => {
    expect(paths.map((p) => `${p.segments.join('/')}:${p.kind}`)).toEqual([
      'idNumber:id-number',
      'home:address',
      'shareholders/*/idNumber:id-number',
      'shareholders/*/contact/phone:phone',
    ]);
  });

  it('reads and replaces values where they are, copying only what changed', () => {
    const data = {
      idNumber: 'A',
      name: 'n',
      shareholders: [{ name: 'x', idNumber: 'B', contact: { phone: 'C' } }, { name: 'y' }],
    };
    expect(readSensitive(data, paths).map((v) => `${sensitiveKey(v.location)}=${v.value}`)).toEqual([
      'idNumber=A',
      'shareholders.0.idNumber=B',
      'shareholders.0.contact.phone=C',
    ]);
    const out = mapSensitive(data, paths, (v) => `<${v}>`);
    expect(out).toEqual({
      idNumber: '<A>',
      name: 'n',
      shareholders: [{ name: 'x', idNumber: '<B>', contact: { phone: '<C>' } }, { name: 'y' }],
    });
    expect(data.idNumber).toBe('A');
    expect(out.shareholders).not.toBe(data.shareholders);
    expect((out.shareholders as unknown[])[1]).toBe(data.shareholders[1]);
    expect(mapSensitive(data, paths, () => undefined)).toBe(data);
    expect(valueAt(out, ['shareholders', '0', 'contact', 'phone'])).toBe('<C>');
    expect(keyFromFieldName('/shareholders/0/idNumber')).toBe('shareholders.0.idNumber');
    expect(keyFromFieldName('idNumber')).toBe('idNumber');
  });

  it('a replacement and its inverse give back the same data, for any shape of input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const data = { idNumber: a, home: 'x', shareholders: [b, { idNumber: 'q', contact: { phone: a } }] };
        const there = mapSensitive(data, paths, (v) => `#${v}`);
        const back = mapSensitive(there, paths, (v) => v.slice(1));
        expect(back).toEqual(data);
        expect(readSensitive(there, paths).every((v) => v.value.startsWith('#'))).toBe(true);
      }),
    );
  });
});
